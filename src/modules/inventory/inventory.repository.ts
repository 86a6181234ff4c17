import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { dbRefusal } from '../../db/refusal.js';
import { withTx } from '../../db/transaction.js';
import { newId } from '../../kernel/ids.js';
import { moveStatus } from '../../db/transitions.js';
import type { StateStore } from '../../kernel/state-machine.js';
import { stockLots, stockMovements, stockQuarantine, stockReservations } from './inventory.tables.js';
import { sellableLot } from './sellable-stock.repository.js';

export type LotRow = typeof stockLots.$inferSelect;
export type NewMovement = typeof stockMovements.$inferInsert;
export type ReservationStatus = (typeof stockReservations.$inferSelect)['status'];
export interface ReservationLine {
  reservationId: string;
  lotId: string;
  quantity: number;
  status: ReservationStatus;
  expiresAt: Date;
  branchId: string;
  productId: string;
  lotNumber: string;
  expiresOn: string;
}

const PG_FOREIGN_KEY_VIOLATION = '23503';
const INT4_MAX = 2_147_483_647;
/**
 * The one order in which every use case locks lots: product, expiry, id. Reservations take several lots of
 * several products, transfers two lots of one product, releases the lots of a reference; a shared order
 * means no two transactions can wait on each other in a cycle (no deadlocks).
 */
const LOCK_ORDER = [asc(stockLots.productId), asc(stockLots.expiresOn), asc(stockLots.id)];

/** Writes to lots, movements and reservations; every method that changes stock runs in the caller's transaction. */
@Injectable()
export class InventoryRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** `fn` in the caller's transaction `tx`, or in a new one (db/transaction.ts). */
  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  /** Serialises the use cases of one reservation reference (reserve twice, reserve vs release). */
  async lockReference(tx: DbOrTx, ref: string): Promise<void> {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${'inventory:' + ref}, 0))`);
  }

  findLot(branchId: string, productId: string, lotNumber: string, tx: DbOrTx = this.db): Promise<LotRow | undefined> {
    return tx
      .select()
      .from(stockLots)
      .where(
        and(eq(stockLots.branchId, branchId), eq(stockLots.productId, productId), eq(stockLots.lotNumber, lotNumber)),
      )
      .then((rows) => rows[0]);
  }

  /** Creates the lot with nothing on hand unless it exists. False when the product does not exist. */
  async ensureLot(
    tx: DbOrTx,
    lot: { branchId: string; productId: string; lotNumber: string; expiresOn: string },
  ): Promise<boolean> {
    try {
      const { branchId, productId, lotNumber, expiresOn } = lot;
      await tx.insert(stockLots).values({ branchId, productId, lotNumber, expiresOn }).onConflictDoNothing();
      return true;
    } catch (err) {
      if (dbRefusal(err)?.code === PG_FOREIGN_KEY_VIOLATION) return false;
      throw err;
    }
  }

  lockLots(tx: DbOrTx, ids: string[]): Promise<LotRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return tx
      .select()
      .from(stockLots)
      .where(inArray(stockLots.id, ids))
      .orderBy(...LOCK_ORDER)
      .for('update');
  }

  /** Lots of a product at a branch that may be sold (expiring after `cutoff`) and have some left, locked. */
  lockSellableLots(tx: DbOrTx, branchId: string, productId: string, cutoff: string): Promise<LotRow[]> {
    return tx
      .select()
      .from(stockLots)
      .where(and(eq(stockLots.productId, productId), eq(stockLots.branchId, branchId), sellableLot(stockLots, cutoff)))
      .orderBy(...LOCK_ORDER)
      .for('update');
  }

  /** The sellable lots of several products at a branch, locked in one statement (in the one lock order). */
  lockSellableLotsOf(tx: DbOrTx, branchId: string, productIds: readonly string[], cutoff: string): Promise<LotRow[]> {
    return tx
      .select()
      .from(stockLots)
      .where(
        and(
          inArray(stockLots.productId, [...productIds]),
          eq(stockLots.branchId, branchId),
          sellableLot(stockLots, cutoff),
        ),
      )
      .orderBy(...LOCK_ORDER)
      .for('update');
  }

  /**
   * One reservation written in one statement: each allocated lot's reserved units raised (only while they
   * stay within on hand), a movement per lot, and the reservation rows numbered 1..n (skipped when the
   * reference already holds rows: the unique (ref, line)). Answers how many lots moved and rows were written:
   * anything short of `rows.length` means the caller must roll back.
   */
  async reserveLots(
    tx: DbOrTx,
    r: {
      ref: string;
      branchId: string;
      expiresAt: Date;
      actor: Pick<NewMovement, 'actorId' | 'actorType'>;
      rows: { lotId: string; productId: string; quantity: number }[];
    },
  ): Promise<{ moved: number; reserved: number }> {
    const rows = r.rows.map((row, i) => ({
      lot: row.lotId,
      product: row.productId,
      q: row.quantity,
      line: i + 1,
      mid: newId(),
      rid: newId(),
    }));
    const now = new Date();
    const result = (await tx.execute(sql`
      with v as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as v(lot uuid, product uuid, q int, line int, mid uuid, rid uuid)
      ), moved as (
        update ${stockLots} s set reserved = s.reserved + v.q, updated_at = ${now.toISOString()}::timestamptz
        from v where s.id = v.lot and s.on_hand::bigint >= s.reserved::bigint + v.q
        returning s.id
      ), mv as (
        insert into ${stockMovements} (id, lot_id, branch_id, product_id, type, on_hand_delta, reserved_delta,
          actor_id, actor_type, reference)
        select v.mid, v.lot, ${r.branchId}, v.product, 'reserved'::stock_movement_type, 0, v.q,
          ${r.actor.actorId ?? null}::uuid, ${r.actor.actorType}, ${r.ref} from v
      ), rs as (
        insert into ${stockReservations} (id, ref, line, lot_id, quantity, expires_at)
        select v.rid, ${r.ref}, v.line, v.lot, v.q, ${r.expiresAt.toISOString()}::timestamptz from v
        on conflict (ref, line) do nothing returning id
      )
      select (select count(*) from moved)::int as moved, (select count(*) from rs)::int as reserved`)) as unknown as {
      rows: { moved: number; reserved: number }[];
    };
    const row = result.rows[0];
    return { moved: Number(row.moved), reserved: Number(row.reserved) };
  }

  /** Expired lots (expiry before `today`) at a branch with unreserved units left, locked. */
  lockExpiredLots(tx: DbOrTx, branchId: string, today: string, productId?: string): Promise<LotRow[]> {
    return tx
      .select()
      .from(stockLots)
      .where(
        and(
          eq(stockLots.branchId, branchId),
          lt(stockLots.expiresOn, today),
          sql`${stockLots.onHand} > ${stockLots.reserved}`,
          productId ? eq(stockLots.productId, productId) : undefined,
        ),
      )
      .orderBy(...LOCK_ORDER)
      .for('update');
  }

  /**
   * Moves a lot's balances by the deltas only if the result keeps 0 <= reserved <= on hand (and fits the
   * column); undefined otherwise. The database CHECK backs this up.
   */
  async changeLot(tx: DbOrTx, lotId: string, onHandDelta: number, reservedDelta: number): Promise<LotRow | undefined> {
    const [row] = await tx
      .update(stockLots)
      .set({
        onHand: sql`${stockLots.onHand} + ${onHandDelta}::int`,
        reserved: sql`${stockLots.reserved} + ${reservedDelta}::int`,
      })
      .where(
        and(
          eq(stockLots.id, lotId),
          sql`${stockLots.reserved}::bigint + ${reservedDelta} >= 0`,
          sql`${stockLots.onHand}::bigint + ${onHandDelta} >= ${stockLots.reserved}::bigint + ${reservedDelta}`,
          sql`${stockLots.onHand}::bigint + ${onHandDelta} <= ${INT4_MAX}`,
        ),
      )
      .returning();
    return row;
  }

  /** Units already handed back from each lot of a sale (its reservation's reference). */
  async quarantinedFor(ref: string, tx: DbOrTx): Promise<Map<string, number>> {
    const rows = await tx
      .select({ lotId: stockQuarantine.lotId, quantity: sql<number>`sum(${stockQuarantine.quantity})::int` })
      .from(stockQuarantine)
      .where(eq(stockQuarantine.reference, ref))
      .groupBy(stockQuarantine.lotId);
    return new Map(rows.map((r) => [r.lotId, Number(r.quantity)]));
  }

  async insertQuarantine(tx: DbOrTx, rows: (typeof stockQuarantine.$inferInsert)[]): Promise<void> {
    if (rows.length > 0) await tx.insert(stockQuarantine).values(rows);
  }

  async insertMovements(tx: DbOrTx, rows: NewMovement[]): Promise<void> {
    if (rows.length > 0) await tx.insert(stockMovements).values(rows);
  }

  /**
   * Writes the rows of one reservation, numbered 1..n. False when the reference already holds a reservation
   * (a concurrent writer committed one first: the unique (ref, line) waits for it, then skips), in which case
   * the caller must roll back what it changed.
   */
  async insertReservations(
    tx: DbOrTx,
    rows: { ref: string; lotId: string; quantity: number; expiresAt: Date }[],
  ): Promise<boolean> {
    if (rows.length === 0) return true;
    const written = await tx
      .insert(stockReservations)
      .values(rows.map((r, i) => ({ ...r, line: i + 1 })))
      .onConflictDoNothing({ target: [stockReservations.ref, stockReservations.line] })
      .returning({ id: stockReservations.id });
    return written.length === rows.length;
  }

  reservationLines(ref: string, tx: DbOrTx = this.db): Promise<ReservationLine[]> {
    return tx
      .select({
        reservationId: stockReservations.id,
        lotId: stockReservations.lotId,
        quantity: stockReservations.quantity,
        status: stockReservations.status,
        expiresAt: stockReservations.expiresAt,
        branchId: stockLots.branchId,
        productId: stockLots.productId,
        lotNumber: stockLots.lotNumber,
        expiresOn: stockLots.expiresOn,
      })
      .from(stockReservations)
      .innerJoin(stockLots, eq(stockLots.id, stockReservations.lotId))
      .where(eq(stockReservations.ref, ref))
      .orderBy(...LOCK_ORDER);
  }

  /**
   * The status of the reservation `ref` (all its rows together) for inventory.machine.ts, in `tx`: a step
   * moves every row still in `from` and answers them (lot and quantity each), or undefined when none was.
   */
  reservationStatus(ref: string, tx: DbOrTx): StateStore<ReservationStatus, { lotId: string; quantity: number }[]> {
    return {
      move: async (from, to) => {
        const where = eq(stockReservations.ref, ref);
        const rows = await moveStatus(tx, stockReservations, stockReservations.status, where, from, to);
        return rows.length > 0 ? rows.map((r) => ({ lotId: r.lotId, quantity: r.quantity })) : undefined;
      },
      current: async () =>
        (
          await tx
            .select({ status: stockReservations.status })
            .from(stockReservations)
            .where(eq(stockReservations.ref, ref))
            .limit(1)
        )[0]?.status,
    };
  }

  /** References with an active reservation past its expiry, oldest first. */
  async dueReferences(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ ref: stockReservations.ref, expiresAt: stockReservations.expiresAt })
      .from(stockReservations)
      .where(and(eq(stockReservations.status, 'active'), lt(stockReservations.expiresAt, now)))
      .orderBy(asc(stockReservations.expiresAt))
      .limit(limit);
    return [...new Set(rows.map((r) => r.ref))];
  }
}
