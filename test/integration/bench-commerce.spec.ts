import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/node-postgres';
import { invariantViolations } from '../support/invariants.js';
import { privateDatabase } from '../support/private-db.js';
import { fillCommerce, type CommerceFixture } from '../../bench/commerce/fixture.js';
import { placeOrder } from '../../bench/commerce/checkout.js';
import { priceCart } from '../../bench/commerce/pricing.js';
import * as Q from '../../bench/commerce/queries.js';
import { loadConfig } from '../../src/config/index.js';
import { verifyAccessToken } from '../../src/modules/identity/identity.tokens.js';
import type { Database } from '../../src/db/client.js';

// The commerce bench's fixture (customers, carts and wallets written by SQL) and its baseline checkout at a
// small size, so neither can silently break the money and stock rules (no timings here: those are bench/).
const SECRET = 'bench-commerce-spec-secret-0123456789abcdef';
let db: Awaited<ReturnType<typeof privateDatabase>>;
let client: pg.Client;
let pool: pg.Pool;
let fx: CommerceFixture;
const violations = () => invariantViolations({ db: drizzle({ client }) } as unknown as Database);

beforeAll(async () => {
  db = await privateDatabase('benchcommerce');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  pool = new pg.Pool({ connectionString: db.url, max: 8 });
  fx = await fillCommerce(client, SECRET, 14, 300);
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await client?.end();
  await db?.drop();
});

describe('commerce bench fixture', () => {
  it('prepares customers with 3-line carts and funded wallets whose ledger and stock add up', async () => {
    expect(fx.customers).toHaveLength(14);
    const { rows } = await client.query(`select
      (select count(*)::int from cart_items) as items,
      (select count(distinct customer_id)::int from cart_items) as carts,
      (select count(*)::int from ledger_accounts where kind = 'wallet' and balance_minor = 10000000) as wallets,
      (select count(*)::int from offers) as offers,
      (select count(*)::int from ledger_accounts where code = 'revenue') as revenue`);
    expect(rows[0]).toEqual({ items: 42, carts: 14, wallets: 14, offers: 0, revenue: 1 });
    // The twins (0 and 1, 2 and 3) hold the same cart; the bench compares ours and the baseline on them.
    const cart = async (i: number) =>
      (await priceCart(pool, fx.customers[i].id, fx.branchId, async () => undefined, 'pickup', false)).lines.map(
        (l) => [l.productId, l.quantity, l.unitPriceMinor],
      );
    expect(await cart(1)).toEqual(await cart(0));
    expect(await cart(3)).toEqual(await cart(2));
    expect(await violations()).toEqual([]);
  });

  it('signs access tokens the application verifies, for live sessions', async () => {
    const key = new TextEncoder().encode(loadConfig({ JWT_SECRET: SECRET }).auth.keys.tokens);
    for (const c of fx.customers.slice(0, 3)) {
      const claims = await verifyAccessToken(c.token, key);
      expect(claims?.sub).toBe(c.id);
      const state = (await client.query(Q.SESSION_STATE, [claims!.sid])).rows[0];
      expect(state).toMatchObject({ id: c.id, type: 'customer', status: 'active', revoked_at: null });
    }
    expect(await verifyAccessToken(fx.customers[0].token, new TextEncoder().encode('another key'))).toBeUndefined();
  });
});

describe('baseline checkout', () => {
  it('places parallel orders that reserve FEFO, pay from the wallet and keep every invariant', async () => {
    const buyers = fx.customers.slice(4);
    const placed = await Promise.all(
      buyers.map((c) => placeOrder(pool, c.id, fx.branchId, `spec-${c.id}`, { branchId: fx.branchId })),
    );
    expect(placed.map((p) => p.status)).toEqual(buyers.map(() => 201));
    const { rows } = await client.query(
      `select
        (select count(*)::int from orders where customer_id = any($1)) as orders,
        (select count(*)::int from cart_items where customer_id = any($1)) as left_in_carts,
        (select count(*)::int from outbox where topic = 'order.updated') as events,
        (select count(*)::int from journal_entries where kind = 'order.capture') as captures,
        (select sum(total_minor)::bigint from orders) as totals,
        (select balance_minor from ledger_balances where code = 'revenue') as revenue`,
      [buyers.map((c) => c.id)],
    );
    expect(rows[0]).toMatchObject({ orders: 10, left_in_carts: 0, events: 10, captures: 10 });
    expect(rows[0].revenue).toBe(rows[0].totals);
    expect(await violations()).toEqual([]);

    // The same key again places nothing.
    const again = await placeOrder(pool, buyers[0].id, fx.branchId, `spec-${buyers[0].id}`, {
      branchId: fx.branchId,
    });
    expect(again.status).not.toBe(201);
    expect((await client.query('select count(*)::int as n from orders')).rows[0].n).toBe(10);
  });
});
