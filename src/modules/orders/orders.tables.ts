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
    /** The sum of the order's refunds (order_refunds): never more than its total (CHECK orders_refunded). */
    refundedMinor: bigint('refunded_minor', { mode: 'number' }).notNull().default(0),
    placedAt: tsz('placed_at').notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    unique('orders_reservation_ref_key').on(t.reservationRef),
    index('orders_customer_idx').on(t.customerId, t.createdAt, t.id),
    index('orders_branch_status_idx').on(t.branchId, t.status, t.createdAt),
    // The expiry job's scan: orders waiting for a pharmacist or a payment, by when they entered that state.
    index('orders_waiting_idx')
      .on(t.status, t.updatedAt)
      .where(sql`${t.status} IN ('pending_verification', 'pending_payment')`),
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
    check('orders_refunded', sql`${t.refundedMinor} >= 0 AND ${t.refundedMinor} <= ${t.totalMinor}`),
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
    /** The prescription this Rx line is filled against: one of the order's (order_prescriptions). */
    prescriptionId: uuid('prescription_id'),
    /** The e-prescription line this Rx line fills (migration 0021; prescriptions' fills record it too). */
    rxLineId: uuid('rx_line_id'),
    /** The pharmacist's decision on an Rx line, who took it and when (migration 0015). */
    verification: text('verification'),
    // References users (migration 0015).
    verifiedBy: uuid('verified_by'),
    verifiedAt: tsz('verified_at'),
    verificationNote: text('verification_note'),
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
    check(
      'order_lines_verification',
      sql`${t.verification} IS NULL OR (${t.verification} IN ('approved', 'rejected') AND ${t.rxRequired} AND ${t.verifiedBy} IS NOT NULL AND ${t.verifiedAt} IS NOT NULL)`,
    ),
    check(
      'order_lines_verification_note_length',
      sql`${t.verificationNote} IS NULL OR length(${t.verificationNote}) <= 500`,
    ),
  ],
);

/**
 * The prescriptions an order was placed with (migration 0015): uploads of the customer's, named at checkout.
 * An Rx line's prescription_id must be one of them (composite foreign key).
 */
export const orderPrescriptions = pgTable(
  'order_prescriptions',
  {
    orderId: uuid('order_id').notNull(),
    // References prescription_uploads (migration 0015).
    uploadId: uuid('upload_id').notNull(),
  },
  (t) => [
    primaryKey({ name: 'order_prescriptions_pkey', columns: [t.orderId, t.uploadId] }),
    foreignKey({ name: 'order_prescriptions_order_fk', columns: [t.orderId], foreignColumns: [orders.id] }).onDelete(
      'restrict',
    ),
    index('order_prescriptions_upload_idx').on(t.uploadId),
  ],
);

/** Money given back on an order by staff (append-only, migration 0015); the ledger entry is `order:<id>:refund:<refundId>`. */
export const orderRefunds = pgTable(
  'order_refunds',
  {
    id: pk(),
    orderId: uuid('order_id').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    destination: text('destination').notNull(),
    reason: text('reason').notNull(),
    // References users (migration 0015).
    actorId: uuid('actor_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: 'order_refunds_order_fk', columns: [t.orderId], foreignColumns: [orders.id] }).onDelete(
      'restrict',
    ),
    index('order_refunds_order_idx').on(t.orderId, t.id),
    check('order_refunds_amount', sql`${t.amountMinor} > 0`),
    check('order_refunds_destination', sql`${t.destination} IN ('wallet', 'original')`),
    check('order_refunds_reason_length', sql`length(${t.reason}) BETWEEN 1 AND 500`),
  ],
);

/** The goods a refund gave back, per order line (their units went to quarantine, never back on sale). */
export const orderRefundLines = pgTable(
  'order_refund_lines',
  {
    refundId: uuid('refund_id').notNull(),
    orderId: uuid('order_id').notNull(),
    lineNo: integer('line_no').notNull(),
    quantity: integer('quantity').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'order_refund_lines_pkey', columns: [t.refundId, t.lineNo] }),
    foreignKey({
      name: 'order_refund_lines_refund_fk',
      columns: [t.refundId],
      foreignColumns: [orderRefunds.id],
    }).onDelete('restrict'),
    foreignKey({
      name: 'order_refund_lines_line_fk',
      columns: [t.orderId, t.lineNo],
      foreignColumns: [orderLines.orderId, orderLines.lineNo],
    }).onDelete('restrict'),
    index('order_refund_lines_line_idx').on(t.orderId, t.lineNo),
    check('order_refund_lines_quantity', sql`${t.quantity} > 0`),
    check('order_refund_lines_amount', sql`${t.amountMinor} >= 0`),
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
