import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tsz } from '../../db/columns.js';
import { CART_QUANTITY_CEILING } from './cart.rules.js';

/**
 * One server-side cart per customer (migration 0011): prices are never stored here, they are read from the
 * catalog each time the cart is priced (CartPricingService), so a cart never holds a stale price.
 */
export const carts = pgTable(
  'carts',
  {
    // References users (migration 0011): modules do not import each other's tables.
    customerId: uuid('customer_id').primaryKey(),
    /** Normalised (trimmed, upper case) as the offers module compares codes. */
    couponCode: text('coupon_code'),
    updatedAt: tsz('updated_at').notNull().defaultNow(),
  },
  (t) => [check('carts_coupon_code', sql`${t.couponCode} IS NULL OR ${t.couponCode} ~ '^[A-Z0-9_-]{3,32}$'`)],
);

export const cartItems = pgTable(
  'cart_items',
  {
    customerId: uuid('customer_id').notNull(),
    // References products (migration 0011).
    productId: uuid('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    addedAt: tsz('added_at').notNull().defaultNow(),
    /** The prescription line this line fills (Rx to cart, migration 0021): checkout needs no photo for it. */
    rxLineId: uuid('rx_line_id'),
  },
  (t) => [
    primaryKey({ name: 'cart_items_pkey', columns: [t.customerId, t.productId] }),
    foreignKey({ name: 'cart_items_cart_fk', columns: [t.customerId], foreignColumns: [carts.customerId] }).onDelete(
      'cascade',
    ),
    // Serves the cascade when a product row goes (products are deactivated, not deleted, but the key must not block it).
    index('cart_items_product_idx').on(t.productId),
    check('cart_items_quantity', sql`${t.quantity} BETWEEN 1 AND ${sql.raw(String(CART_QUANTITY_CEILING))}`),
  ],
);
