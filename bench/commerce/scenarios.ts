import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { commerceDatabaseUrl, databaseName, dropDatabase, repoRoot } from '../lib/db.js';
import type { Row } from '../lib/row.js';
import { startServer, type Server } from '../lib/servers.js';
import { captureSql, recordSql, sameSql, type CaptureRequest } from '../lib/sql-check.js';
import { placeOrder } from './checkout.js';
import { drive, type Load, type Request } from './driver.js';
import { prepareCommerce, TWINS, type Customer } from './fixture.js';
import { priceCart } from './pricing.js';
import { sampleWaits } from './waits.js';
import * as Q from './queries.js';

export interface CommerceOptions {
  scenarios: ('checkout' | 'cart')[];
  duration: number;
  warmup: number;
  workers: number;
  pool: string;
  /** Environment our API runs with (NODE_ENV, Redis, rate limits…); DATABASE_URL and JWT_SECRET are set here. */
  oursEnv: Record<string, string>;
  /** Prepared customers; each order uses one up. */
  customers: number;
}

/**
 * Read once per node and then cached (session state, branch records, the house accounts of the first
 * posting): left out of the SQL comparison on both sides.
 */
const ONCE = [Q.SESSION_STATE, Q.BRANCH_BY_ID, Q.accountsByCode(2)];

const orderRequest = (c: Customer, branchId: string, key = `bench-${c.id}`): Request => ({
  method: 'POST',
  path: '/v1/orders',
  headers: { authorization: `Bearer ${c.token}`, 'idempotency-key': key },
  body: JSON.stringify({ branchId, fulfilment: 'pickup', paymentMethod: 'wallet' }),
});
const cartRequest = (c: Customer, branchId: string): Request => ({
  method: 'GET',
  path: `/v1/cart?branchId=${branchId}`,
  headers: { authorization: `Bearer ${c.token}` },
});
const asCapture = (key: string, r: Request): CaptureRequest => ({
  key,
  method: r.method,
  url: r.path,
  headers: r.headers,
  payload: r.body && JSON.parse(r.body),
});

const cartIdentity = (b: any) => [
  (b.items ?? []).map((i: any) => [i.productId, i.quantity, i.unitPriceMinor, i.availableQuantity]),
  b.subtotalMinor,
  b.deliveryFeeMinor,
  b.totalMinor,
  b.pointsBalance,
];

/**
 * The commerce group: checkout (orders/s, 32 customers at once, each order a new customer's 3-line cart,
 * reserved FEFO, paid from the wallet) and cart pricing, ours against the same SQL on bare pg, on a small
 * database of their own prepared before anything is measured, dropped after.
 */
export async function runCommerce(o: CommerceOptions, log: (m: string) => void): Promise<Row[]> {
  const url = commerceDatabaseUrl();
  const jwtSecret = randomBytes(32).toString('hex');
  const t0 = Date.now();
  const fx = await prepareCommerce(url, jwtSecret, o.customers);
  log(
    `commerce on ${databaseName(url)} (recreated): 1 branch, ${fx.products} sellable products on 3 large lots each, ${fx.customers.length} customers with 3-line carts and funded wallets (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const [ourOrder, baseOrder, ourCart, baseCart] = fx.customers.slice(0, 2 * TWINS);
  const readers = fx.customers.slice(2 * TWINS, 2 * TWINS + o.workers);
  const buyers = fx.customers.slice(2 * TWINS + o.workers);
  let nextBuyer = 0;

  const servers: Server[] = [];
  const rows: Row[] = [];
  try {
    const ours = await startServer('ours', new URL('dist/main.js', repoRoot).pathname, 3911, {
      ...o.oursEnv,
      DATABASE_URL: url,
      JWT_SECRET: jwtSecret,
    });
    servers.push(ours);
    const base = await startServer(
      'baseline',
      new URL('dist-bench/bench/baseline/server.js', repoRoot).pathname,
      3912,
      { DATABASE_URL: url, POOL_MAX: o.pool, JWT_SECRET: jwtSecret },
    );
    servers.push(base);

    // Ours in process (the captured SQL and its answer); the baseline's code in process on the twin's cart.
    const captured = await captureSql(
      url,
      [asCapture('order', orderRequest(ourOrder, fx.branchId)), asCapture('cart', cartRequest(ourCart, fx.branchId))],
      { JWT_SECRET: jwtSecret },
    );
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    let baseSql: { order: string[]; cart: string[] };
    try {
      baseSql = {
        order: await recordSql(() => placeOrder(pool, baseOrder.id, fx.branchId, `bench-${baseOrder.id}`, {})),
        cart: await recordSql(() =>
          priceCart(pool, baseCart.id, fx.branchId, async () => undefined, 'delivery', false),
        ),
      };
    } finally {
      await pool.end();
    }
    const sqlSame = {
      checkout: sameSql(captured.get('order'), baseSql.order, ONCE, 'checkout'),
      cart: sameSql(captured.get('cart'), baseSql.cart, ONCE, 'cart'),
    };
    const answers = {
      // The twins' orders (placed above, in process) read back through each server is not a route the bench
      // has; their carts were the same, so the orders must be: compared through the order each side placed.
      checkout: await sameOrder(url, ourOrder.id, baseOrder.id),
      cart: await sameAnswer(ours, base, cartRequest(readers[0], fx.branchId), cartIdentity),
    };

    const measure = async (
      server: Server,
      next: (w: number) => Request | undefined,
    ): Promise<Load & { cpu: number }> => {
      if (o.warmup > 0) await drive(server.base, o.workers, o.warmup, next);
      const before = server.cpuMs();
      const waits = sampleWaits(url);
      const load = await drive(server.base, o.workers, o.duration, next);
      const cpu = (server.cpuMs() - before) / (load.answered || 1);
      const db = await waits.stop();
      const dbCpu = (db.databaseCpuMs / (load.answered || 1)).toFixed(2);
      log(`    ${server.name}: PostgreSQL CPU ${dbCpu} ms/request; database sessions ${db.summary}`);
      return { ...load, cpu };
    };
    const checkoutNext = () => {
      const c = buyers[nextBuyer++];
      return c && orderRequest(c, fx.branchId);
    };
    const cartNext = (w: number) => cartRequest(readers[w % readers.length], fx.branchId);
    const plan = [
      { key: 'checkout' as const, name: 'checkout (orders/s)', next: checkoutNext },
      { key: 'cart' as const, name: 'cart pricing', next: cartNext },
    ].filter((s) => o.scenarios.includes(s.key));
    for (const s of plan) {
      if (!sqlSame[s.key])
        log(`  ${s.name}: the baseline's SQL differs from ours; copy it again into bench/commerce/queries.ts`);
      const [a, b] = [await measure(ours, s.next), await measure(base, s.next)];
      for (const [side, l] of [
        ['ours', a],
        ['baseline', b],
      ] as const) {
        if (l.non2xx > 0 || l.errors > 0) log(`  ${s.name} on ${side}: ${l.non2xx} non-2xx, ${l.errors} errors`);
        if (l.exhausted) log(`  ${s.name} on ${side}: ran out of prepared customers (raise --customers)`);
      }
      const fig = (l: Load & { cpu: number }) => ({ rps: l.rps, p50: l.p50, p99: l.p99, cpuMsPerRequest: l.cpu });
      rows.push({ scenario: s.name, ours: fig(a), base: fig(b), same: answers[s.key], sameSql: sqlSame[s.key] });
      log(
        `  ${s.name}: ours ${a.rps.toFixed(0)}/s p99 ${a.p99.toFixed(1)} ms, baseline ${b.rps.toFixed(0)}/s p99 ${b.p99.toFixed(1)} ms`,
      );
    }
    log(`  checkout customers used: ${nextBuyer} of ${buyers.length}`);
  } finally {
    for (const s of servers.reverse()) await s.stop();
    if (!process.env.BENCH_KEEP_COMMERCE_DB) await dropDatabase(url);
  }
  return rows;
}

async function sameAnswer(ours: Server, base: Server, r: Request, identity: (b: any) => unknown): Promise<boolean> {
  const get = (s: Server) => fetch(s.base + r.path, { method: r.method, headers: r.headers });
  const [a, b] = await Promise.all([get(ours), get(base)]);
  if (a.status !== 200 || b.status !== 200)
    throw new Error(`${r.path}: ours ${a.status}, baseline ${b.status} (${(await a.text()).slice(0, 200)})`);
  return JSON.stringify(identity(await a.json())) === JSON.stringify(identity(await b.json()));
}

/** The twins' orders as stored: the same lines, prices, totals and status, the same ledger and stock effects. */
async function sameOrder(url: string, a: string, b: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const of = async (customerId: string) => {
      const { rows } = await client.query(
        `SELECT o.status, o.subtotal_minor, o.total_minor,
           (SELECT json_agg(json_build_array(l.product_id, l.quantity, l.unit_price_minor) ORDER BY l.line_no)
              FROM order_lines l WHERE l.order_id = o.id) AS lines,
           (SELECT count(*) FROM stock_reservations r WHERE r.ref = o.reservation_ref) AS reservations,
           (SELECT count(*) FROM outbox x WHERE x.payload->>'orderId' = o.id::text) AS events,
           (SELECT a.balance_minor FROM ledger_accounts a WHERE a.code = 'wallet:' || o.customer_id) AS wallet,
           (SELECT count(*) FROM cart_items c WHERE c.customer_id = o.customer_id) AS cart
         FROM orders o WHERE o.customer_id = $1`,
        [customerId],
      );
      return JSON.stringify(rows);
    };
    const [x, y] = [await of(a), await of(b)];
    return x === y && x !== '[]';
  } finally {
    await client.end();
  }
}
