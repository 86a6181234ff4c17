import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '../../src/config/index.js';
import { signAccessToken } from '../../src/modules/identity/identity.tokens.js';
import { recreateDatabase } from '../lib/db.js';
import { seedBench } from '../seed/generate.js';

/** A prepared customer: a 3-line cart at the bench branch, a funded wallet and a live session's access token. */
export interface Customer {
  id: string;
  token: string;
}

export interface CommerceFixture {
  branchId: string;
  /** Sellable products the carts draw from (active, OTC, stocked on several large lots at the branch). */
  products: number;
  customers: Customer[];
}

/** Enough for any order the bench places (3 lines of 1-2 units, priced EGP 5-500 each). */
const WALLET_MINOR = 10_000_000;
const LOTS_PER_PRODUCT = 3;
const LOT_UNITS = 1_000_000;
/** Pairs of customers with the same cart at the start of the list (customers 0 and 1, 2 and 3). */
export const TWINS = 2;

/**
 * Recreates the commerce bench database (a small one of its own: one branch, a few hundred products) and
 * prepares `count` customers by SQL, set-based, before anything is measured: users (no password anyone
 * knows: nobody logs in), a session each, a cart of 3 distinct products, and a wallet credited by one
 * balanced journal entry per customer (the deferred ledger triggers of migration 0010 check them at
 * commit). Access tokens are signed with the application's own code and the key it derives from
 * `jwtSecret`, so no login (no argon2) is needed. Offers are removed: the scenario is 3 lines, wallet,
 * ledger, outbox; an offer with a global limit would add a hot row of its own.
 */
export async function prepareCommerce(url: string, jwtSecret: string, count: number): Promise<CommerceFixture> {
  await recreateDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fillCommerce(client, jwtSecret, count);
  } finally {
    await client.end();
  }
}

/** The same on a freshly migrated database the caller holds (`products`: the catalogue to draw from). */
export async function fillCommerce(
  client: pg.ClientBase,
  jwtSecret: string,
  count: number,
  products = 1500,
): Promise<CommerceFixture> {
  await seedBench(client, { products, branches: 1, popular: 0, seed: 20261204 });
  await client.query('DELETE FROM offers');
  const branchId = (await client.query<{ id: string }>('SELECT id FROM branches')).rows[0].id;
  await client.query(`UPDATE branches SET opening_hours = $1::jsonb`, [
    JSON.stringify([0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, opens: '00:00', closes: '24:00' }))),
  ]);
  const sellable = (
    await client.query<{ id: string }>(
      `SELECT id FROM products WHERE active AND NOT rx_required AND NOT controlled ORDER BY id`,
    )
  ).rows.map((r) => r.id);
  await addLots(client, branchId, sellable);
  const customers = await addCustomers(client, sellable, count, jwtSecret);
  await client.query('VACUUM ANALYZE');
  return { branchId, products: sellable.length, customers };
}

/** Large lots with staggered expiries, and their `received` movements (balances equal movements). */
async function addLots(client: pg.ClientBase, branchId: string, products: string[]): Promise<void> {
  const rows = products.flatMap((p, i) =>
    Array.from({ length: LOTS_PER_PRODUCT }, (_, k) => [uuidv7(), p, `B${i}-${k}`, 120 + 90 * k]),
  );
  const col = (n: number) => rows.map((r) => r[n]);
  await client.query(
    `INSERT INTO stock_lots (id, branch_id, product_id, lot_number, expires_on, on_hand, reserved)
     SELECT l.id, $1, l.product_id, l.lot_number, current_date + l.days, $6, 0
     FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::int[]) AS l(id, product_id, lot_number, days)`,
    [branchId, col(0), col(1), col(2), col(3), LOT_UNITS],
  );
  await client.query(
    `INSERT INTO stock_movements (id, lot_id, branch_id, product_id, type, on_hand_delta, reserved_delta, actor_type,
       reason, reference)
     SELECT l.id, l.id, l.branch_id, l.product_id, 'received', l.on_hand, 0, 'system', 'bench fixture', l.lot_number
     FROM stock_lots l WHERE l.lot_number LIKE 'B%'`,
  );
}

async function addCustomers(
  client: pg.ClientBase,
  products: string[],
  count: number,
  jwtSecret: string,
): Promise<Customer[]> {
  const ids = Array.from({ length: count }, () => uuidv7());
  const sessions = ids.map(() => uuidv7());
  const entries = ids.map(() => uuidv7());
  const wallets = ids.map(() => uuidv7());
  const adjustments = uuidv7();
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO users (id, type, name, email, password_hash)
     SELECT u.id, 'customer', 'Bench customer ' || u.n, 'bench-' || u.n || '@bench.medyour.test', 'not-a-hash'
     FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)`,
    [ids],
  );
  await client.query(`INSERT INTO sessions (id, user_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [
    sessions,
    ids,
  ]);
  await client.query(`INSERT INTO carts (customer_id) SELECT * FROM unnest($1::uuid[])`, [ids]);
  // 3 distinct products a cart, spread over the catalogue so concurrent orders rarely wait on one lot. The
  // first TWINS pairs hold the same cart: one checks out on ours, its twin on the baseline (same SQL, same answer).
  const items: [string, string, number][] = [];
  let picked = new Set<number>();
  ids.forEach((id, i) => {
    if (i >= 2 * TWINS || i % 2 === 0) {
      picked = new Set<number>();
      while (picked.size < 3) picked.add(Math.floor(Math.random() * products.length));
    }
    for (const p of picked) items.push([id, products[p], 1 + (p % 2)]);
  });
  await client.query(
    `INSERT INTO cart_items (customer_id, product_id, quantity) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[])`,
    [items.map((r) => r[0]), items.map((r) => r[1]), items.map((r) => r[2])],
  );
  await client.query(
    `INSERT INTO ledger_accounts (id, code, kind, owner_id, currency, normal_side, may_go_negative, balance_minor)
     VALUES ($1, 'adjustments', 'adjustments', NULL, 'EGP', 'debit', true, $2::bigint * $3::bigint)`,
    [adjustments, WALLET_MINOR, count],
  );
  // Revenue exists before the first order, as it does in any running deployment (no account insert measured).
  await client.query(
    `INSERT INTO ledger_accounts (id, code, kind, owner_id, currency, normal_side, may_go_negative)
     VALUES ($1, 'revenue', 'revenue', NULL, 'EGP', 'credit', true)`,
    [uuidv7()],
  );
  await client.query(
    `INSERT INTO ledger_accounts (id, code, kind, owner_id, currency, normal_side, may_go_negative, balance_minor)
     SELECT w.id, 'wallet:' || w.owner, 'wallet', w.owner, 'EGP', 'credit', false, $3
     FROM unnest($1::uuid[], $2::uuid[]) AS w(id, owner)`,
    [wallets, ids, WALLET_MINOR],
  );
  await client.query(
    `INSERT INTO journal_entries (id, key, kind, ref_type, ref_id, memo)
     SELECT e.id, 'bench:fund:' || e.owner, 'wallet.adjustment', NULL, NULL, 'bench fixture'
     FROM unnest($1::uuid[], $2::uuid[]) AS e(id, owner)`,
    [entries, ids],
  );
  await client.query(
    `INSERT INTO postings (id, entry_id, account_id, currency, amount_minor)
     SELECT gen_random_uuid(), p.entry, p.account, 'EGP', p.amount
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS e(entry, wallet, adj)
     CROSS JOIN LATERAL (VALUES (e.entry, e.adj, $4::bigint), (e.entry, e.wallet, -$4::bigint)) AS p(entry, account, amount)`,
    [entries, wallets, ids.map(() => adjustments), WALLET_MINOR],
  );
  await client.query('COMMIT');
  const secret = new TextEncoder().encode(loadConfig({ JWT_SECRET: jwtSecret }).auth.keys.tokens);
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++)
    customers.push({
      id: ids[i],
      token: await signAccessToken({ sub: ids[i], sid: sessions[i], sv: 0 }, secret, 3600),
    });
  return customers;
}
