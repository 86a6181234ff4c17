import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { branches } from './branches.tables.js';

export type BranchRow = typeof branches.$inferSelect;
export type NewBranch = typeof branches.$inferInsert;
export type BranchChanges = Partial<Omit<NewBranch, 'id' | 'createdAt' | 'updatedAt'>>;
/** A row and its `<->` distance key from the query point (chord length in metres, ordered like distance). */
export interface NearRow {
  row: BranchRow;
  key: number;
  km: number;
}

/** The query point and the distance key the GiST index (branches_earth_idx) orders by. */
const earthKey = (lat: number, lng: number): SQL<number> =>
  sql<number>`(ll_to_earth(${branches.lat}, ${branches.lng}) <-> ll_to_earth(${lat}::float8, ${lng}::float8))`;
const earthKm = (lat: number, lng: number): SQL<number> =>
  sql<number>`(earth_distance(ll_to_earth(${branches.lat}, ${branches.lng}), ll_to_earth(${lat}::float8, ${lng}::float8)) / 1000.0)`;

@Injectable()
export class BranchesRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async insert(row: NewBranch, tx: DbOrTx = this.db): Promise<BranchRow> {
    const [created] = await tx.insert(branches).values(row).returning();
    return created;
  }

  async update(id: string, changes: BranchChanges, tx: DbOrTx = this.db): Promise<BranchRow | undefined> {
    const [row] = await tx.update(branches).set(changes).where(eq(branches.id, id)).returning();
    return row;
  }

  /** The row as it is before a change, locked until the transaction ends. */
  async lockById(id: string, tx: DbOrTx): Promise<BranchRow | undefined> {
    const [row] = await tx.select().from(branches).where(eq(branches.id, id)).for('update');
    return row;
  }

  async findById(id: string): Promise<BranchRow | undefined> {
    const [row] = await this.db.select().from(branches).where(eq(branches.id, id));
    return row;
  }

  /** The branch read in `tx` and share-locked until it ends: a concurrent update of it waits for `tx`. */
  async findHeld(id: string, tx: DbOrTx): Promise<BranchRow | undefined> {
    const [row] = await tx.select().from(branches).where(eq(branches.id, id)).for('share');
    return row;
  }

  /** Active branches by id, for the list without a point. */
  listActive(afterId: string | undefined, limit: number): Promise<BranchRow[]> {
    return this.db
      .select()
      .from(branches)
      .where(and(eq(branches.active, true), afterId ? gt(branches.id, afterId) : undefined))
      .orderBy(asc(branches.id))
      .limit(limit);
  }

  /** Every active branch, by id: the set the service keeps an in-process geographic index of. */
  /** Active branches by id, at most `limit`. */
  allActive(limit: number): Promise<BranchRow[]> {
    return this.db.select().from(branches).where(eq(branches.active, true)).orderBy(asc(branches.id)).limit(limit);
  }

  /**
   * Active branches nearest first: a KNN scan of the GiST index on ll_to_earth(lat, lng). The ORDER BY
   * must be the `<->` expression alone for the index to serve it (a tie-breaker column turns it into a
   * scan and sort), so callers break ties themselves. `afterKey`: only rows strictly farther than it.
   */
  async nearest(lat: number, lng: number, afterKey: number | undefined, limit: number): Promise<NearRow[]> {
    const key = earthKey(lat, lng);
    const rows = await this.db
      .select({ row: branches, key, km: earthKm(lat, lng) })
      .from(branches)
      .where(and(eq(branches.active, true), afterKey !== undefined ? sql`${key} > ${afterKey}` : undefined))
      .orderBy(key)
      .limit(limit);
    return rows.map((r) => ({ row: r.row, key: Number(r.key), km: Number(r.km) }));
  }

  /** Every active branch at exactly this distance key (ties at a page boundary), by id. */
  async atKey(lat: number, lng: number, key: number): Promise<NearRow[]> {
    const k = earthKey(lat, lng);
    const rows = await this.db
      .select({ row: branches, key: k, km: earthKm(lat, lng) })
      .from(branches)
      .where(and(eq(branches.active, true), sql`${k} = ${key}`))
      .orderBy(asc(branches.id));
    return rows.map((r) => ({ row: r.row, key: Number(r.key), km: Number(r.km) }));
  }

  /** EXPLAIN of the nearest-first query, so a test can prove the index serves it. */
  async explainNearest(lat: number, lng: number, limit: number): Promise<string> {
    const res = (await this.db.execute(
      sql`EXPLAIN SELECT id FROM branches WHERE active ORDER BY ${earthKey(lat, lng)} LIMIT ${limit}`,
    )) as unknown as { rows: Record<string, string>[] };
    return res.rows.map((r) => Object.values(r)[0]).join('\n');
  }
}
