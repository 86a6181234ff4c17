import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';

export const offerKind = pgEnum('offer_kind', ['percentage', 'fixed']);
export const offerScope = pgEnum('offer_scope', ['product', 'category', 'cart']);

export const offers = pgTable(
  'offers',
  {
    id: pk(),
    nameEn: text('name_en').notNull(),
    nameAr: text('name_ar').notNull(),
    kind: offerKind('kind').notNull(),
    /** Percentage: whole percent 1-100. Fixed: minor units. */
    value: integer('value').notNull(),
    scope: offerScope('scope').notNull(),
    productId: uuid('product_id'),
    categoryId: uuid('category_id'),
    startsAt: tsz('starts_at').notNull(),
    endsAt: tsz('ends_at').notNull(),
    minCartMinor: integer('min_cart_minor').notNull().default(0),
    globalLimit: integer('global_limit'),
    perCustomerLimit: integer('per_customer_limit'),
    usedCount: integer('used_count').notNull().default(0),
    couponCode: text('coupon_code'),
    /** Pharmacy law: by default no offer touches Rx-only or controlled lines; an admin may allow it. */
    appliesToRestricted: boolean('applies_to_restricted').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('offers_coupon_key')
      .on(sql`lower(${t.couponCode})`)
      .where(sql`${t.couponCode} IS NOT NULL`),
    index('offers_window_idx').on(t.active, t.endsAt),
    check('offers_window', sql`${t.startsAt} < ${t.endsAt}`),
    check('offers_value', sql`${t.value} > 0 AND (${t.kind} <> 'percentage' OR ${t.value} <= 100)`),
    check(
      'offers_usage',
      sql`${t.usedCount} >= 0 AND (${t.globalLimit} IS NULL OR ${t.usedCount} <= ${t.globalLimit})`,
    ),
    check(
      'offers_scope_target',
      sql`(${t.scope} = 'product' AND ${t.productId} IS NOT NULL) OR (${t.scope} = 'category' AND ${t.categoryId} IS NOT NULL) OR ${t.scope} = 'cart'`,
    ),
  ],
);

export const offerRedemptions = pgTable(
  'offer_redemptions',
  {
    id: pk(),
    offerId: uuid('offer_id')
      .notNull()
      .references(() => offers.id, { onDelete: 'restrict' }),
    // References users (migration 0009: modules do not import each other's tables).
    customerId: uuid('customer_id').notNull(),
    reference: text('reference').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('offer_redemptions_ref_key').on(t.offerId, t.reference),
    index('offer_redemptions_customer_idx').on(t.offerId, t.customerId),
  ],
);
