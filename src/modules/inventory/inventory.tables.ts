import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  smallint,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';

export const movementType = pgEnum('stock_movement_type', [
  'received',
  'reserved',
  'released',
  'sold',
  'returned',
  'adjusted',
  'transferred_out',
  'transferred_in',
  'expired',
]);
export const reservationStatus = pgEnum('stock_reservation_status', ['active', 'released', 'committed']);

export const stockLots = pgTable(
  'stock_lots',
  {
    id: pk(),
    // Foreign keys to branches and products are declared in migration 0004 (modules do not import each
    // other's tables).
    branchId: uuid('branch_id').notNull(),
    productId: uuid('product_id').notNull(),
    lotNumber: text('lot_number').notNull(),
    expiresOn: date('expires_on', { mode: 'string' }).notNull(),
    onHand: integer('on_hand').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('stock_lots_lot_key').on(t.branchId, t.productId, t.lotNumber),
    index('stock_lots_fefo_idx').on(t.productId, t.branchId, t.expiresOn),
    index('stock_lots_branch_expiry_idx').on(t.branchId, t.expiresOn),
    // The invariant that protects stock: never negative, never more reserved than held.
    check('stock_lots_balance', sql`0 <= ${t.reserved} AND ${t.reserved} <= ${t.onHand}`),
  ],
);

/** Append-only: every change to a lot, so balances can be rebuilt from movements. */
export const stockMovements = pgTable(
  'stock_movements',
  {
    id: pk(),
    lotId: uuid('lot_id')
      .notNull()
      .references(() => stockLots.id, { onDelete: 'restrict' }),
    branchId: uuid('branch_id').notNull(),
    productId: uuid('product_id').notNull(),
    type: movementType('type').notNull(),
    onHandDelta: integer('on_hand_delta').notNull(),
    reservedDelta: integer('reserved_delta').notNull(),
    // References users (migration 0009); null only for the system actor (jobs), which is no account.
    actorId: uuid('actor_id'),
    actorType: text('actor_type').notNull(),
    reason: text('reason'),
    reference: text('reference'),
    createdAt: createdAt(),
  },
  (t) => [
    index('stock_movements_product_idx').on(t.productId, t.id),
    index('stock_movements_lot_idx').on(t.lotId),
    check('stock_movements_actor_present', sql`${t.actorId} IS NOT NULL OR ${t.actorType} = 'system'`),
  ],
);

export const stockReservations = pgTable(
  'stock_reservations',
  {
    id: pk(),
    ref: text('ref').notNull(),
    /** 1..n over the rows (lots) of one reservation: see stock_reservations_ref_line_key. */
    line: smallint('line').notNull(),
    lotId: uuid('lot_id')
      .notNull()
      .references(() => stockLots.id, { onDelete: 'restrict' }),
    quantity: integer('quantity').notNull(),
    status: reservationStatus('status').notNull().default('active'),
    expiresAt: tsz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // One reservation per reference, whoever writes it: a second one would need line 1 again (migration 0009).
    unique('stock_reservations_ref_line_key').on(t.ref, t.line),
    check('stock_reservations_line_pos', sql`${t.line} >= 1`),
    index('stock_reservations_expiry_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} = 'active'`),
    check('stock_reservations_qty_pos', sql`${t.quantity} > 0`),
  ],
);

/**
 * Goods a customer handed back, per lot they were sold from (migration 0015, append-only): never on hand again
 * (dispensed medicine is not resold). `reference` names the sale (the reservation's reference).
 */
export const stockQuarantine = pgTable(
  'stock_quarantine',
  {
    id: pk(),
    lotId: uuid('lot_id')
      .notNull()
      .references(() => stockLots.id, { onDelete: 'restrict' }),
    branchId: uuid('branch_id').notNull(),
    productId: uuid('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    reference: text('reference').notNull(),
    reason: text('reason'),
    // References users (migration 0015); null for the system.
    actorId: uuid('actor_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('stock_quarantine_reference_idx').on(t.reference),
    index('stock_quarantine_branch_idx').on(t.branchId, t.createdAt),
    check('stock_quarantine_quantity', sql`${t.quantity} > 0`),
  ],
);
