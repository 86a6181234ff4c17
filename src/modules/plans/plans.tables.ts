import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';

/** A plan (migration 0026): a price per period and the benefits a subscriber gets each period. */
export const plans = pgTable(
  'plans',
  {
    id: pk(),
    nameEn: text('name_en').notNull(),
    nameAr: text('name_ar').notNull(),
    interval: text('interval').notNull(),
    priceMinor: integer('price_minor').notNull(),
    currency: text('currency').notNull(),
    active: boolean('active').notNull().default(true),
    freeVideoConsultations: integer('free_video_consultations').notNull().default(0),
    freeDelivery: boolean('free_delivery').notNull().default(false),
    otcPercentOff: integer('otc_percent_off').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('plans_active_idx')
      .on(t.priceMinor, t.id)
      .where(sql`${t.active}`),
    check('plans_interval', sql`${t.interval} IN ('monthly', 'yearly')`),
    check('plans_price', sql`${t.priceMinor} >= 0`),
    check('plans_free_video', sql`${t.freeVideoConsultations} >= 0`),
    check('plans_otc_percent', sql`${t.otcPercentOff} BETWEEN 0 AND 100`),
  ],
);

/**
 * One customer's plan (migration 0026). The price and interval are copied at subscribe time: a renewal charges
 * what the customer agreed to; the benefits are read from the plan. `periodNo` counts paid periods (the ledger
 * key of each charge and the bucket of benefit uses).
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: pk(),
    // References users (migration 0026).
    customerId: uuid('customer_id').notNull(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'restrict' }),
    status: text('status').notNull(),
    paymentMethod: text('payment_method').notNull(),
    priceMinor: integer('price_minor').notNull(),
    currency: text('currency').notNull(),
    interval: text('interval').notNull(),
    periodNo: integer('period_no').notNull().default(1),
    currentPeriodStart: tsz('current_period_start').notNull(),
    currentPeriodEnd: tsz('current_period_end').notNull(),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    graceUntil: tsz('grace_until'),
    nextRetryAt: tsz('next_retry_at'),
    endedAt: tsz('ended_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('subscriptions_one_live_key')
      .on(t.customerId)
      .where(sql`${t.status} IN ('active', 'past_due')`),
    index('subscriptions_customer_idx').on(t.customerId, t.createdAt, t.id),
    index('subscriptions_due_idx')
      .on(t.currentPeriodEnd, t.id)
      .where(sql`${t.status} = 'active'`),
    index('subscriptions_retry_idx')
      .on(t.nextRetryAt, t.id)
      .where(sql`${t.status} = 'past_due'`),
    check('subscriptions_status', sql`${t.status} IN ('active', 'past_due', 'cancelled', 'expired')`),
    check('subscriptions_payment_method', sql`${t.paymentMethod} IN ('wallet', 'card')`),
    check('subscriptions_interval', sql`${t.interval} IN ('monthly', 'yearly')`),
    check('subscriptions_price', sql`${t.priceMinor} >= 0`),
    check('subscriptions_period_no', sql`${t.periodNo} >= 1`),
    check('subscriptions_period', sql`${t.currentPeriodEnd} > ${t.currentPeriodStart}`),
    check(
      'subscriptions_past_due_grace',
      sql`${t.status} <> 'past_due' OR (${t.graceUntil} IS NOT NULL AND ${t.nextRetryAt} IS NOT NULL)`,
    ),
    check('subscriptions_ended', sql`(${t.status} IN ('cancelled', 'expired')) = (${t.endedAt} IS NOT NULL)`),
  ],
);

/** A benefit used in one period (migration 0026); `ref` names what used it (`appointment:<id>`). */
export const subscriptionBenefitUses = pgTable(
  'subscription_benefit_uses',
  {
    id: pk(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'restrict' }),
    periodNo: integer('period_no').notNull(),
    benefit: text('benefit').notNull(),
    ref: text('ref').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('subscription_benefit_uses_key').on(t.subscriptionId, t.periodNo, t.benefit, t.ref),
    check('subscription_benefit_uses_benefit', sql`${t.benefit} IN ('video_consultation')`),
    check('subscription_benefit_uses_ref', sql`length(${t.ref}) BETWEEN 1 AND 200`),
  ],
);
