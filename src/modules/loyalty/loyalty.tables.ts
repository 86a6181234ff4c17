import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz } from '../../db/columns.js';

/**
 * A customer's points as lots (migration 0014): one per earning, or per points given back, each with what is
 * left of it and when it expires. The PTS ledger (payments) holds every movement and the balance; the lots
 * decide which points a redemption spends (soonest expiry first) and what the expiry job takes. Their
 * remaining points add up to the customer's points wallet (test/invariants.sql).
 */
export const loyaltyLots = pgTable(
  'loyalty_lots',
  {
    id: pk(),
    // References users (migration 0014).
    customerId: uuid('customer_id').notNull(),
    /** `earn`: an order completed; `return`: points a cancelled order had spent, given back with their expiry. */
    source: text('source').notNull(),
    /** The order the points came from (no key: orders own their rows, as the ledger's ref_id names them). */
    orderId: uuid('order_id'),
    // References journal_entries (migration 0014): the entry that credited these points.
    entryId: uuid('entry_id').notNull(),
    points: integer('points').notNull(),
    remaining: integer('remaining').notNull(),
    expiresAt: tsz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('loyalty_lots_customer_idx')
      .on(t.customerId, t.expiresAt, t.id)
      .where(sql`${t.remaining} > 0`),
    index('loyalty_lots_expiry_idx')
      .on(t.expiresAt, t.id)
      .where(sql`${t.remaining} > 0`),
    index('loyalty_lots_order_idx').on(t.orderId),
    check('loyalty_lots_source', sql`${t.source} IN ('earn', 'return')`),
    check('loyalty_lots_points', sql`${t.points} > 0`),
    check('loyalty_lots_remaining', sql`${t.remaining} >= 0 AND ${t.remaining} <= ${t.points}`),
  ],
);

/** What each lot gave to a redemption, a reversal (refund) or expiry: append-only (trigger, migration 0014). */
export const loyaltyLotUses = pgTable(
  'loyalty_lot_uses',
  {
    id: pk(),
    lotId: uuid('lot_id')
      .notNull()
      .references(() => loyaltyLots.id, { onDelete: 'restrict' }),
    // References journal_entries (migration 0014).
    entryId: uuid('entry_id').notNull(),
    kind: text('kind').notNull(),
    orderId: uuid('order_id'),
    points: integer('points').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('loyalty_lot_uses_entry_lot_key').on(t.entryId, t.lotId),
    index('loyalty_lot_uses_lot_idx').on(t.lotId),
    index('loyalty_lot_uses_order_idx').on(t.orderId, t.kind),
    check('loyalty_lot_uses_kind', sql`${t.kind} IN ('redeem', 'reverse', 'expire')`),
    check('loyalty_lot_uses_points', sql`${t.points} > 0`),
  ],
);
