import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import { loyaltyLotUses, loyaltyLots } from './loyalty.tables.js';

export type LotRow = typeof loyaltyLots.$inferSelect;
export type NewLot = typeof loyaltyLots.$inferInsert;
export type NewLotUse = typeof loyaltyLotUses.$inferInsert;

/** What the lots and their uses say about one order's points. */
export interface OrderPoints {
  earned: number;
  redeemed: number;
  /** Earned points taken back by refunds. */
  reversed: number;
  /** Spent points given back (a cancellation, refunds). */
  returned: number;
}

/** All SQL of loyalty's lots (rule 4). Decides nothing; every write runs in the caller's transaction. */
@Injectable()
export class LoyaltyRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  async insertLots(rows: NewLot[], tx: DbOrTx): Promise<void> {
    if (rows.length > 0) await tx.insert(loyaltyLots).values(rows);
  }

  async insertUses(rows: NewLotUse[], tx: DbOrTx): Promise<void> {
    if (rows.length > 0) await tx.insert(loyaltyLotUses).values(rows);
  }

  /**
   * The customer's lots holding points, locked until the transaction ends, soonest expiry first: every writer
   * takes them in this one order before the ledger locks the points wallet, so two never deadlock. `spendableAt`
   * leaves out the lots already past their expiry (the expiry job takes those).
   */
  lockHeld(customerId: string, tx: DbOrTx, spendableAt?: Date): Promise<LotRow[]> {
    return tx
      .select()
      .from(loyaltyLots)
      .where(
        and(
          eq(loyaltyLots.customerId, customerId),
          gt(loyaltyLots.remaining, 0),
          spendableAt ? gt(loyaltyLots.expiresAt, spendableAt) : undefined,
        ),
      )
      .orderBy(asc(loyaltyLots.expiresAt), asc(loyaltyLots.id))
      .for('update');
  }

  /** Takes `points` from a locked lot; false when it holds fewer (never: the caller planned on the locked rows). */
  async take(lotId: string, points: number, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .update(loyaltyLots)
      .set({ remaining: sql`${loyaltyLots.remaining} - ${points}` })
      .where(and(eq(loyaltyLots.id, lotId), sql`${loyaltyLots.remaining} >= ${points}`))
      .returning({ id: loyaltyLots.id });
    return rows.length === 1;
  }

  /** Points the customer can spend now: the lots not yet past their expiry. */
  async spendable(customerId: string, at: Date, tx: DbOrTx = this.db): Promise<number> {
    const [row] = await tx
      .select({ points: sql<string>`coalesce(sum(${loyaltyLots.remaining}), 0)` })
      .from(loyaltyLots)
      .where(and(eq(loyaltyLots.customerId, customerId), gt(loyaltyLots.remaining, 0), gt(loyaltyLots.expiresAt, at)));
    return Number(row?.points ?? 0);
  }

  /** The soonest expiry among the customer's spendable lots, and the points that expire then. */
  async nextExpiry(customerId: string, at: Date, tx: DbOrTx = this.db): Promise<{ points: number; at: Date } | null> {
    const rows = await tx
      .select({ expiresAt: loyaltyLots.expiresAt, remaining: loyaltyLots.remaining })
      .from(loyaltyLots)
      .where(
        and(
          eq(loyaltyLots.customerId, customerId),
          gt(loyaltyLots.remaining, 0),
          gt(loyaltyLots.expiresAt, at),
          eq(
            loyaltyLots.expiresAt,
            sql`(select min(l.expires_at) from loyalty_lots l where l.customer_id = ${customerId} and l.remaining > 0 and l.expires_at > ${at.toISOString()}::timestamptz)`,
          ),
        ),
      );
    if (rows.length === 0) return null;
    return { points: rows.reduce((s, r) => s + r.remaining, 0), at: rows[0]!.expiresAt };
  }

  async orderPoints(orderId: string, tx: DbOrTx = this.db): Promise<OrderPoints> {
    const [lots] = await tx
      .select({
        earned: sql<string>`coalesce(sum(${loyaltyLots.points}) filter (where ${loyaltyLots.source} = 'earn'), 0)`,
        returned: sql<string>`coalesce(sum(${loyaltyLots.points}) filter (where ${loyaltyLots.source} = 'return'), 0)`,
      })
      .from(loyaltyLots)
      .where(eq(loyaltyLots.orderId, orderId));
    const [uses] = await tx
      .select({
        redeemed: sql<string>`coalesce(sum(${loyaltyLotUses.points}) filter (where ${loyaltyLotUses.kind} = 'redeem'), 0)`,
        reversed: sql<string>`coalesce(sum(${loyaltyLotUses.points}) filter (where ${loyaltyLotUses.kind} = 'reverse'), 0)`,
      })
      .from(loyaltyLotUses)
      .where(and(eq(loyaltyLotUses.orderId, orderId), inArray(loyaltyLotUses.kind, ['redeem', 'reverse'])));
    return {
      earned: Number(lots?.earned ?? 0),
      returned: Number(lots?.returned ?? 0),
      redeemed: Number(uses?.redeemed ?? 0),
      reversed: Number(uses?.reversed ?? 0),
    };
  }

  /** What an order's redemption drew from each lot, with that lot's expiry. */
  spentBy(orderId: string, tx: DbOrTx = this.db): Promise<{ points: number; expiresAt: Date }[]> {
    return tx
      .select({ points: loyaltyLotUses.points, expiresAt: loyaltyLots.expiresAt })
      .from(loyaltyLotUses)
      .innerJoin(loyaltyLots, eq(loyaltyLots.id, loyaltyLotUses.lotId))
      .where(and(eq(loyaltyLotUses.orderId, orderId), eq(loyaltyLotUses.kind, 'redeem')));
  }

  /** The order's own earning lots (a refund takes back from them first). */
  async earnLotIds(orderId: string, tx: DbOrTx): Promise<string[]> {
    const rows = await tx
      .select({ id: loyaltyLots.id })
      .from(loyaltyLots)
      .where(and(eq(loyaltyLots.orderId, orderId), eq(loyaltyLots.source, 'earn')));
    return rows.map((r) => r.id);
  }

  /** Lots past their expiry that still hold points, oldest first. */
  async due(at: Date, limit: number, tx: DbOrTx = this.db): Promise<string[]> {
    const rows = await tx
      .select({ id: loyaltyLots.id })
      .from(loyaltyLots)
      .where(and(gt(loyaltyLots.remaining, 0), lte(loyaltyLots.expiresAt, at)))
      .orderBy(asc(loyaltyLots.expiresAt), asc(loyaltyLots.id))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** The lot, locked; skipped (undefined) while another transaction holds it: the next run takes it. */
  async lockLot(id: string, tx: DbOrTx): Promise<LotRow | undefined> {
    const [row] = await tx.select().from(loyaltyLots).where(eq(loyaltyLots.id, id)).for('update', { skipLocked: true });
    return row;
  }
}
