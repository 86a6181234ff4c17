import { Inject, Injectable, Optional } from '@nestjs/common';
import { and, asc, desc, eq, inArray, lt, lte, sql, type SQLWrapper } from 'drizzle-orm';
import { bindValues, DATABASE, DB, type Bind, type Database, type Db, type DbOrTx } from '../../db/client.js';
import { branches } from '../../db/schema.js';
import { stockLots, stockMovements, stockReservations } from './inventory.tables.js';
import type { LotRow } from './inventory.repository.js';
import { sellableLot } from './sellable-stock.repository.js';

export type MovementRow = typeof stockMovements.$inferSelect & { lotNumber: string; expiresOn: string };
export interface AvailabilityRow {
  branchId: string;
  nameEn: string;
  nameAr: string;
  quantity: number;
  distanceKm: number | null;
}
export interface IntegrityDifference {
  lotId: string;
  onHand: number;
  reserved: number;
  movementsOnHand: number;
  movementsReserved: number;
  activeReservations: number;
}

/** Read-only queries: staff reports, availability, and the integrity check. */
@Injectable()
export class InventoryQueries {
  constructor(
    @Inject(DB) private readonly db: Db,
    /** Absent when a test runs the queries on a transaction. */
    @Optional() @Inject(DATABASE) private readonly database?: Database,
  ) {}

  /** Lots with stock at a branch, by product then lot number (the lot key index serves it). */
  lotsAtBranch(
    branchId: string,
    filter: { productId?: string; after?: readonly [string, string] },
    limit: number,
  ): Promise<LotRow[]> {
    const after = filter.after;
    return this.db
      .select()
      .from(stockLots)
      .where(
        and(
          eq(stockLots.branchId, branchId),
          sql`${stockLots.onHand} > 0`,
          filter.productId ? eq(stockLots.productId, filter.productId) : undefined,
          after ? sql`(${stockLots.productId}, ${stockLots.lotNumber}) > (${after[0]}::uuid, ${after[1]})` : undefined,
        ),
      )
      .orderBy(asc(stockLots.productId), asc(stockLots.lotNumber))
      .limit(limit);
  }

  /** Lots with stock at a branch expiring on or before `until` (expired ones included), soonest first. */
  expiringAtBranch(
    branchId: string,
    until: string,
    after: readonly [string, string] | undefined,
    limit: number,
  ): Promise<LotRow[]> {
    return this.db
      .select()
      .from(stockLots)
      .where(
        and(
          eq(stockLots.branchId, branchId),
          lte(stockLots.expiresOn, until),
          sql`${stockLots.onHand} > 0`,
          after ? sql`(${stockLots.expiresOn}, ${stockLots.id}) > (${after[0]}::date, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(stockLots.expiresOn), asc(stockLots.id))
      .limit(limit);
  }

  /** A product's movements, newest first; `branchIds` null = every branch. */
  movementsOfProduct(
    productId: string,
    branchIds: readonly string[] | null,
    beforeId: string | undefined,
    limit: number,
  ): Promise<MovementRow[]> {
    return this.db
      .select({ m: stockMovements, lotNumber: stockLots.lotNumber, expiresOn: stockLots.expiresOn })
      .from(stockMovements)
      .innerJoin(stockLots, eq(stockLots.id, stockMovements.lotId))
      .where(
        and(
          eq(stockMovements.productId, productId),
          branchIds ? inArray(stockMovements.branchId, [...branchIds]) : undefined,
          beforeId ? lt(stockMovements.id, beforeId) : undefined,
        ),
      )
      .orderBy(desc(stockMovements.id))
      .limit(limit)
      .then((rows) => rows.map((r) => ({ ...r.m, lotNumber: r.lotNumber, expiresOn: r.expiresOn })));
  }

  /**
   * Sellable units of a product per active branch (lots expiring after `cutoff`, minus reservations),
   * nearest first when a point is given.
   */
  async availability(
    productId: string,
    cutoff: string,
    near: { lat: number; lng: number } | undefined,
    limit: number,
  ): Promise<AvailabilityRow[]> {
    const located = near !== undefined;
    const values = { productId, cutoff, lat: near?.lat, lng: near?.lng, limit };
    // Built once per shape (Database.statement): drizzle's query builder cost more CPU than the query.
    const build = (bind: Bind) => {
      const quantity = sql`sum(${stockLots.onHand} - ${stockLots.reserved})::int`;
      const distance = located
        ? sql`earth_distance(ll_to_earth(${branches.lat}, ${branches.lng}), ll_to_earth(${bind('lat')}::float8, ${bind('lng')}::float8)) / 1000.0`
        : sql`NULL::float8`;
      return sql`select ${stockLots.branchId} as "branchId", ${branches.nameEn} as "nameEn", ${branches.nameAr} as "nameAr",
          ${quantity} as "quantity", ${distance} as "distanceKm"
        from ${stockLots} inner join ${branches} on ${branches.id} = ${stockLots.branchId}
        where ${stockLots.productId} = ${bind('productId')} and ${sellableLot(stockLots, bind('cutoff') as string | SQLWrapper, branches)}
        group by ${stockLots.branchId}, ${branches.id}
        order by ${located ? sql`${distance} asc` : sql`${quantity} desc`}, ${stockLots.branchId} asc
        limit ${bind('limit')}`;
    };
    // int and float8 come back as numbers, a missing distance as null: the rows are the answer's items.
    // Planned with each call's values: its best plan depends on them (named, it ran 15% slower).
    if (this.database)
      return this.database.statement<AvailabilityRow>(`availability:${located}`, build, values, { plan: 'custom' });
    const res = await this.db.execute(build(bindValues(values)));
    return (res as unknown as { rows: AvailabilityRow[] }).rows;
  }

  /**
   * The active branches whose sellable stock covers every line now, nearest to `near` first (by name without a
   * point), at most `limit`; with `withinRadius`, only branches that deliver to `near`. One query, whatever the
   * number of branches: per branch and product the sellable units, kept where they cover the line, and a
   * branch kept when it covers them all.
   */
  async branchesFilling(
    lines: readonly { productId: string; quantity: number }[],
    cutoff: string,
    near: { lat: number; lng: number } | undefined,
    withinRadius: boolean,
    limit: number,
    tx: DbOrTx = this.db,
  ): Promise<string[]> {
    if (lines.length === 0) return [];
    const ids = sql`${`{${lines.map((l) => l.productId).join(',')}}`}::uuid[]`;
    const qty = sql`${`{${lines.map((l) => l.quantity).join(',')}}`}::int[]`;
    const distance = near
      ? sql`earth_distance(ll_to_earth(${branches.lat}, ${branches.lng}), ll_to_earth(${near.lat}::float8, ${near.lng}::float8))`
      : undefined;
    const res = await tx.execute(sql`
      with wanted as (select * from unnest(${ids}, ${qty}) as w(product_id, quantity)),
      covered as (
        select ${stockLots.branchId} as branch_id
        from ${stockLots} join wanted w on w.product_id = ${stockLots.productId}
        join ${branches} on ${branches.id} = ${stockLots.branchId}
        where ${sellableLot(stockLots, cutoff, branches)}
          ${distance && withinRadius ? sql`and ${distance} <= ${branches.deliveryRadiusKm} * 1000.0` : sql``}
        group by ${stockLots.branchId}, w.product_id, w.quantity
        having sum(${stockLots.onHand} - ${stockLots.reserved}) >= w.quantity
      )
      select ${branches.id} as id from covered c join ${branches} on ${branches.id} = c.branch_id
      group by ${branches.id}
      having count(*) = ${lines.length}
      order by ${distance ? sql`min(${distance})` : sql`min(${branches.nameEn})`}, ${branches.id}
      limit ${limit}`);
    return (res as unknown as { rows: { id: string }[] }).rows.map((r) => r.id);
  }

  /** Sellable units per product at one branch. */
  async sellableAt(
    branchId: string,
    productIds: readonly string[],
    cutoff: string,
    tx: DbOrTx = this.db,
  ): Promise<Map<string, number>> {
    if (productIds.length === 0) return new Map();
    const rows = await tx
      .select({
        productId: stockLots.productId,
        quantity: sql<number>`sum(${stockLots.onHand} - ${stockLots.reserved})::int`,
      })
      .from(stockLots)
      .where(
        and(
          eq(stockLots.branchId, branchId),
          inArray(stockLots.productId, [...productIds]),
          sellableLot(stockLots, cutoff),
        ),
      )
      .groupBy(stockLots.productId);
    return new Map(rows.map((r) => [r.productId, Number(r.quantity)]));
  }

  /**
   * Every lot whose balances differ from the sum of its movements, or whose reserved quantity differs
   * from its active reservations (the same rules as test/invariants.sql).
   */
  async integrityDifferences(): Promise<IntegrityDifference[]> {
    const res = (await this.db.execute(sql`
      SELECT l.id AS "lotId", l.on_hand AS "onHand", l.reserved AS "reserved",
             coalesce(m.on_hand, 0)::int AS "movementsOnHand", coalesce(m.reserved, 0)::int AS "movementsReserved",
             coalesce(r.q, 0)::int AS "activeReservations"
      FROM ${stockLots} l
      LEFT JOIN (SELECT lot_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
                 FROM ${stockMovements} GROUP BY lot_id) m ON m.lot_id = l.id
      LEFT JOIN (SELECT lot_id, sum(quantity) AS q FROM ${stockReservations} WHERE status = 'active'
                 GROUP BY lot_id) r ON r.lot_id = l.id
      WHERE l.on_hand <> coalesce(m.on_hand, 0) OR l.reserved <> coalesce(m.reserved, 0)
         OR l.reserved <> coalesce(r.q, 0)
      ORDER BY l.id`)) as unknown as { rows: IntegrityDifference[] };
    return res.rows.map((r) => ({
      lotId: r.lotId,
      onHand: Number(r.onHand),
      reserved: Number(r.reserved),
      movementsOnHand: Number(r.movementsOnHand),
      movementsReserved: Number(r.movementsReserved),
      activeReservations: Number(r.activeReservations),
    }));
  }
}
