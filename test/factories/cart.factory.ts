import { sql } from 'drizzle-orm';
import type { TestApp } from '../setup/app.js';

/**
 * Switches off the automatic offers (no coupon) that earlier spec files left running in this worker's
 * database: one of them (a 10 % cart offer, say) would apply to every cart priced after it. Specs that
 * assert exact cart totals call it first and then create only the offers they price with.
 */
export async function quietAutomaticOffers(t: TestApp): Promise<void> {
  await t.database.db.execute(sql`update offers set active = false where coupon_code is null and active`);
}

/** The stored lines of a customer's cart, oldest first, and its coupon: what a refused change must leave alone. */
export async function storedCart(t: TestApp, customerId: string) {
  const rows = async <T>(q: ReturnType<typeof sql>) =>
    ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;
  return {
    cart: await rows<{ coupon_code: string | null }>(
      sql`select coupon_code from carts where customer_id = ${customerId}`,
    ),
    items: await rows<{ product_id: string; quantity: number }>(
      sql`select product_id, quantity from cart_items where customer_id = ${customerId} order by added_at, product_id`,
    ),
  };
}
