import { sql } from 'drizzle-orm';
import type { TestApp } from '../setup/app.js';

/** A product's units over all its lots, as the specs of orders and refunds check them. */
export async function stockOf(t: TestApp, productId: string): Promise<{ onHand: number; reserved: number }> {
  const res = (await t.database.db.execute(
    sql`select coalesce(sum(on_hand), 0) as on_hand, coalesce(sum(reserved), 0) as reserved from stock_lots where product_id = ${productId}`,
  )) as unknown as { rows: { on_hand: string; reserved: string }[] };
  const [r] = res.rows;
  return { onHand: Number(r!.on_hand), reserved: Number(r!.reserved) };
}

/** The signed-in account's wallet balance, read as a client does (GET /v1/wallet). */
export async function walletBalance(t: TestApp, token: string): Promise<number> {
  return (await t.http.get('/v1/wallet', token)).body.balanceMinor as number;
}
