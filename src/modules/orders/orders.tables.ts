import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';
import { FULFILMENTS, ORDER_STATUSES, PAYMENT_METHODS, type DeliveryAddress } from './orders.states.js';

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * An order (migration 0012): the cart turned into a purchase at one branch. Money columns obey the total
 * formula by CHECK; what was paid and refunded is in the ledger (keys `order:<id>:capture` / `:refund`), the
 * stock it holds is inventory's reservation named by `reservation_ref`.
 */
export const orders = pgTable(
  'orders',
  {
    id: pk(),
    // References users and branches (migration 0012): modules do not import each other's tables.
    customerId: uuid('customer_id').notNull(),
    branchId: uuid('branch_id').notNull(),
    status: text('status').notNull(),
    fulfilment: text('fulfilment').notNull(),
    paymentMethod: text('payment_method').notNull(),
    address: jsonb('address').$type<DeliveryAddress>(),
    subtotalMinor: bigint('subtotal_minor', { mode: 'number' }).notNull(),
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull().default(0),
    deliveryFeeMinor: bigint('delivery_fee_minor', { mode: 'number' }).notNull().default(0),
    /** Loyalty points spent (a count); their money is points_value_minor (migration 0014). */
    pointsRedeemed: integer('points_redeemed').notNull().default(0),
    pointsValueMinor: bigint('points_value_minor', { mode: 'number' }).notNull().default(0),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    reservationRef: text('reservation_ref').notNull(),
    placedAt: tsz('placed_at').notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    unique('orders_reservation_ref_key').on(t.reservationRef),
    index('orders_customer_idx').on(t.customerId, t.createdAt, t.id),
    index('orders_branch_status_idx').on(t.branchId, t.status, t.createdAt),
    check('orders_status', sql`${t.status} IN (${inList(ORDER_STATUSES)})`),
    check('orders_fulfilment', sql`${t.fulfilment} IN (${inList(FULFILMENTS)})`),
    check('orders_payment_method', sql`${t.paymentMethod} IN (${inList(PAYMENT_METHODS)})`),
    check('orders_address', sql`(${t.fulfilment} = 'delivery') = (${t.address} IS NOT NULL)`),
    check(
      'orders_amounts',
      sql`${t.subtotalMinor} >= 0 AND ${t.discountMinor} >= 0 AND ${t.deliveryFeeMinor} >= 0 AND ${t.pointsRedeemed} >= 0 AND ${t.totalMinor} >= 0`,
    ),
    check(
      'orders_total',
      sql`${t.totalMinor} = ${t.subtotalMinor} - ${t.discountMinor} + ${t.deliveryFeeMinor} - ${t.pointsValueMinor}`,
    ),
    check(
      'orders_points_value',
      sql`${t.pointsValueMinor} >= 0 AND (${t.pointsRedeemed} = 0) = (${t.pointsValueMinor} = 0)`,
    ),
    check('orders_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('orders_version', sql`${t.version} >= 1`),
  ],
);

/** The lines as sold: price, discount and names copied when the order was placed. */
export const orderLines = pgTable(
  'order_lines',
  {
    orderId: uuid('order_id').notNull(),
    lineNo: integer('line_no').notNull(),
    // References products (migration 0012).
    productId: uuid('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull().default(0),
    nameEn: text('name_en').notNull(),
    nameAr: text('name_ar').notNull(),
    rxRequired: boolean('rx_required').notNull().default(false),
  },
  (t) => [
    primaryKey({ name: 'order_lines_pkey', columns: [t.orderId, t.lineNo] }),
    foreignKey({ name: 'order_lines_order_fk', columns: [t.orderId], foreignColumns: [orders.id] }).onDelete(
      'restrict',
    ),
    index('order_lines_product_idx').on(t.productId),
    check('order_lines_line_no', sql`${t.lineNo} >= 1`),
    check('order_lines_quantity', sql`${t.quantity} > 0`),
    check(
      'order_lines_amounts',
      sql`${t.unitPriceMinor} >= 0 AND ${t.discountMinor} >= 0 AND ${t.discountMinor} <= ${t.unitPriceMinor} * ${t.quantity}`,
    ),
  ],
);

/** Every status an order took, who moved it and why: append-only (trigger, migration 0012). */
export const orderTransitions = pgTable(
  'order_transitions',
  {
    id: pk(),
    orderId: uuid('order_id').notNull(),
    /** Null for the first row: the state the order was placed in. */
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    // References users (migration 0012); null for the system.
    actorId: uuid('actor_id'),
    reason: text('reason'),
    at: tsz('at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'order_transitions_order_fk', columns: [t.orderId], foreignColumns: [orders.id] }).onDelete(
      'restrict',
    ),
    index('order_transitions_order_idx').on(t.orderId, t.at),
    check('order_transitions_reason_length', sql`${t.reason} IS NULL OR length(${t.reason}) <= 500`),
  ],
);
