import autocannon, { type Result } from 'autocannon';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CARE, runCare, type CareScenario } from './care/scenarios.js';
import { runCommerce } from './commerce/scenarios.js';
import { benchDatabaseUrl, databaseName, repoRoot } from './lib/db.js';
import type { Figures, Row } from './lib/row.js';
import { startServer, type Server } from './lib/servers.js';
import { captureSql, sameSql } from './lib/sql-check.js';
import * as Q from './baseline/queries.js';

/**
 * `npm run bench`: every scenario against our API (the production build, NODE_ENV=production) and against
 * the bare Fastify + pg baseline (bench/baseline), one after the other in one run, on the same bench
 * database (`npm run seed:bench` first). Prints req/s, p50, p99 and ours/baseline. No assertions: the
 * targets are reported, not enforced. The commerce group (checkout, cart pricing: bench/commerce) and the care
 * group (slot search, booking: bench/care) run on small databases of their own, so `--only checkout` /
 * `--only cart` / `--only slot` / `--only booking` need no seeded catalogue.
 */
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string' },
    /** Prepared checkout customers (each order uses one); default enough for 1,000 orders/s on each side. */
    customers: { type: 'string' },
  },
});
const DURATION = Number(values.duration);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const POOL = '10';
const LAT = 30.0478;
const LNG = 31.2422;

interface Scenario {
  name: string;
  path: string;
  /** Connections for this scenario (default --connections). */
  connections?: number;
  /** Run ours with the search cache switched off (SEARCH_CACHE_TTL_SECONDS=0): the search itself. */
  uncached?: boolean;
  /** The statements the baseline runs for it (bench/baseline/queries.ts), checked against ours. */
  sql: string[];
  /** The ids (or values) a response is compared by: ours and the baseline must answer the same. */
  identity: (body: any) => unknown;
}

/** A load run with the server's CPU time per answered request over it (ms). */
type Measured = Result & { cpuMsPerRequest: number };

const figures = (r: Measured): Figures => ({
  rps: r.requests.average,
  p50: r.latency.p50,
  p99: r.latency.p99,
  cpuMsPerRequest: r.cpuMsPerRequest,
});

const ids = (items: { id?: string; branchId?: string }[] | undefined) => (items ?? []).map((i) => i.id ?? i.branchId);

async function fixtures(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const count = await client.query<{ n: number }>('select count(*)::int as n from products');
    if (count.rows[0].n === 0) throw new Error('the bench database is empty: run `npm run seed:bench` first');
    // A product stocked at many branches (the generator's popular ones), so availability has work to do.
    const popular = await client.query<{ id: string }>(
      `select p.id from products p where p.active and p.rx_required = false
         and (select count(*) from stock_lots l where l.product_id = p.id) >= 50 order by p.id limit 1`,
    );
    return { products: count.rows[0].n, productId: popular.rows[0]?.id ?? (await anyProduct(client)) };
  } finally {
    await client.end();
  }
}

async function anyProduct(client: pg.Client): Promise<string> {
  return (await client.query<{ id: string }>('select id from products where active order by id limit 1')).rows[0].id;
}

/** The cursor of catalog page 5,001 (20 a page): walked through the API 100 at a time, as a client would. */
async function deepCursor(base: string, rows = 100_000): Promise<string> {
  let cursor: string | null = null;
  for (let seen = 0; seen < rows; seen += 100) {
    const res = await fetch(`${base}/v1/products?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    if (!res.ok) throw new Error(`catalog walk failed at row ${seen}: ${res.status} ${await res.text()}`);
    cursor = ((await res.json()) as { nextCursor: string | null }).nextCursor;
    if (!cursor) throw new Error(`the catalog has fewer than ${rows} active products`);
  }
  return cursor!;
}

async function load(base: string, s: Scenario, duration: number): Promise<Result> {
  return autocannon({ url: base + s.path, connections: s.connections ?? CONNECTIONS, duration, pipelining: 1 });
}

/** A measured run: the server's own CPU per request, so a regression shows whether it is ours or the SQL's. */
async function measure(server: Server, s: Scenario): Promise<Measured> {
  const before = server.cpuMs();
  const r = await load(server.base, s, DURATION);
  const answered = r.requests.total || 1;
  return Object.assign(r, { cpuMsPerRequest: (server.cpuMs() - before) / answered });
}

async function sameAnswer(ours: Server, base: Server, s: Scenario): Promise<boolean> {
  const [a, b] = await Promise.all([fetch(ours.base + s.path), fetch(base.base + s.path)]);
  if (a.status !== 200 || b.status !== 200)
    throw new Error(`${s.name}: ours ${a.status}, baseline ${b.status} (${(await a.text()).slice(0, 200)})`);
  return JSON.stringify(s.identity(await a.json())) === JSON.stringify(s.identity(await b.json()));
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

function print(rows: Row[]): void {
  const header = [
    'scenario',
    'ours req/s',
    'p50 ms',
    'p99 ms',
    'base req/s',
    'p50 ms',
    'p99 ms',
    'ours/base',
    'CPU ms/req',
    'base CPU',
    'same SQL',
    'same answer',
  ];
  const lines = rows.map((r) => [
    r.scenario,
    fmt(r.ours.rps),
    fmt(r.ours.p50, 1),
    fmt(r.ours.p99, 1),
    fmt(r.base.rps),
    fmt(r.base.p50, 1),
    fmt(r.base.p99, 1),
    `${fmt((100 * r.ours.rps) / r.base.rps)}%`,
    fmt(r.ours.cpuMsPerRequest, 3),
    fmt(r.base.cpuMsPerRequest, 3),
    r.sameSql ? 'yes' : 'NO',
    r.same ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const show = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('\n' + show(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(show(l));
}

function targets(rows: Row[]): void {
  const by = (name: string) => rows.find((r) => r.scenario.startsWith(name));
  const p99 = (r: Row) => `${fmt(r.ours.p99, 1)} ms`;
  const checks: [string, boolean, string][] = [];
  const ratio = (r: Row) => r.ours.rps / r.base.rps;
  const byId = by('product by id');
  if (byId)
    checks.push(['product by id (cache hit) ≥ 1.2× baseline req/s', ratio(byId) >= 1.2, `${fmt(ratio(byId), 2)}×`]);
  // Every scenario whose answer comes from the database (not from a cache) against the same SQL on bare pg.
  const database = rows.filter((r) => /^catalog|no cache$|^availability/.test(r.scenario));
  for (const r of database)
    checks.push([`${r.scenario} ≥ 0.8× baseline req/s`, ratio(r) >= 0.8, `${fmt(ratio(r), 2)}×`]);
  const first = by('catalog first page');
  const deep = by('catalog page ~5,000');
  if (first && deep) {
    const x = deep.ours.p99 / first.ours.p99;
    checks.push([
      'catalog deep page p99 ≤ 1.5× first page p99',
      x <= 1.5,
      `${p99(deep)} vs ${p99(first)} (${fmt(x, 2)}×)`,
    ]);
  }
  for (const r of rows.filter((r) => r.scenario.startsWith('search')))
    checks.push([`${r.scenario}: p99 ≤ 30 ms at ${CONNECTIONS} connections`, r.ours.p99 <= 30, p99(r)]);
  for (const r of rows.filter((r) => r.scenario.startsWith('nearest branches')))
    checks.push([`${r.scenario}: p99 ≤ 10 ms`, r.ours.p99 <= 10, p99(r)]);
  // Issue 16: checkout with 32 customers at once, and cart pricing against its baseline.
  const checkout = by('checkout');
  if (checkout) {
    checks.push([
      `checkout ≥ 300 orders/s at ${CONNECTIONS} customers`,
      checkout.ours.rps >= 300,
      `${fmt(checkout.ours.rps)} orders/s`,
    ]);
    checks.push(['checkout p99 ≤ 200 ms', checkout.ours.p99 <= 200, p99(checkout)]);
  }
  const cart = by('cart pricing');
  if (cart) checks.push(['cart pricing ≥ 0.6× baseline req/s', ratio(cart) >= 0.6, `${fmt(ratio(cart), 2)}×`]);
  // Issue 17: a doctor's slots over 14 days; booking throughput is reported beside its baseline (no target).
  const slots = by(CARE.slots);
  if (slots)
    checks.push([
      `${CARE.slots}: p99 ≤ 20 ms at ${CONNECTIONS} connections`,
      slots.ours.p99 <= 20,
      `${p99(slots)} (baseline ${fmt(slots.base.p99, 1)} ms)`,
    ]);
  console.log('\ntargets (ours):');
  for (const [label, ok, figure] of checks) console.log(`  ${ok ? 'met    ' : 'MISSED '} ${label}: ${figure}`);
}

/** The environment our API runs with in every group (each adds its database and secret). */
const oursBaseEnv = () => ({
  NODE_ENV: 'production',
  VIDEO_JITSI_SECRET: randomBytes(24).toString('hex'),
  // Production refuses to boot without a prescription signing key: a fresh Ed25519 key each run.
  PRESCRIPTION_SIGNING_KEYS: `bench:${generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`,
  DATABASE_POOL_MAX: POOL,
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15',
  REDIS_KEY_PREFIX: `bench:${randomBytes(3).toString('hex')}:`,
  LOG_LEVEL: 'silent',
  MIGRATE_ON_BOOT: 'false',
  RATE_LIMIT_DEFAULT: '1000000000',
  HOST: '127.0.0.1',
});

/** The catalogue group, on the seeded 1M-product database. */
async function catalog(): Promise<Row[]> {
  const url = benchDatabaseUrl();
  const fx = await fixtures(url);
  console.log(
    `bench on ${databaseName(url)}: ${fmt(fx.products)} products; ${CONNECTIONS} connections, ${DURATION} s per run (+${WARMUP} s warm-up), pool ${POOL} each`,
  );
  const servers: Server[] = [];
  try {
    const oursEnv = { ...oursBaseEnv(), DATABASE_URL: url, JWT_SECRET: randomBytes(32).toString('hex') };
    const main = new URL('dist/main.js', repoRoot).pathname;
    const ours = await startServer('ours', main, 3901, oursEnv);
    servers.push(ours);
    const uncached = await startServer('ours (search cache off)', main, 3903, {
      ...oursEnv,
      SEARCH_CACHE_TTL_SECONDS: '0',
    });
    servers.push(uncached);
    const base = await startServer(
      'baseline',
      new URL('dist-bench/bench/baseline/server.js', repoRoot).pathname,
      3902,
      {
        DATABASE_URL: url,
        POOL_MAX: POOL,
      },
    );
    servers.push(base);

    const cursor = await deepCursor(ours.base);
    const search = (typo: boolean) => [typo ? Q.RANKED : Q.RANKED_PREFIX];
    const near = `lat=${LAT}&lng=${LNG}`;
    const all: Scenario[] = [
      {
        name: 'product by id (cache hit)',
        path: `/v1/products/${fx.productId}`,
        sql: [Q.PRODUCT_BY_ID],
        identity: (b) => [b.id, b.version],
      },
      {
        name: 'catalog first page',
        path: '/v1/products?limit=20',
        sql: [Q.browse(false)],
        identity: (b) => [ids(b.items), b.nextCursor],
      },
      {
        name: 'catalog page ~5,000',
        path: `/v1/products?limit=20&cursor=${cursor}`,
        sql: [Q.browse(true)],
        identity: (b) => [ids(b.items), b.nextCursor],
      },
      ...[
        ['search prefix "aug"', 'aug'],
        ['search typo "augmentn"', 'augmentn'],
      ].flatMap(([name, q]): Scenario[] =>
        [false, true].map((uncached) => ({
          name: uncached ? `${name}, no cache` : `${name} (cached)`,
          path: `/v1/search?q=${q}`,
          uncached,
          sql: search(q === 'augmentn'),
          identity: (b) => [ids(b.products), ids(b.branches)],
        })),
      ),
      {
        name: 'nearest branches',
        path: `/v1/branches?${near}`,
        sql: [],
        identity: (b) => ids(b.items),
      },
      {
        name: 'nearest branches, 1 connection',
        path: `/v1/branches?${near}`,
        connections: 1,
        sql: [],
        identity: (b) => ids(b.items),
      },
      {
        name: 'availability',
        path: `/v1/products/${fx.productId}/availability?${near}`,
        sql: [Q.AVAILABILITY],
        identity: (b) => (b.items ?? []).map((i: { branchId: string; quantity: number }) => [i.branchId, i.quantity]),
      },
    ];
    const scenarios = all.filter((s) => !values.only || s.name.includes(values.only));

    const captured = await captureSql(url, [...new Set(scenarios.map((s) => s.path))]);
    const rows: Row[] = [];
    for (const s of scenarios) {
      const mine = s.uncached ? uncached : ours;
      const same = await sameAnswer(mine, base, s);
      // The active branch set is loaded once per node (the baseline loads it at start), not per request.
      const sqlSame = sameSql(captured.get(s.path), s.sql, [Q.ACTIVE_BRANCHES], s.name);
      if (!sqlSame)
        console.warn(`  ${s.name}: the baseline's SQL differs from ours; copy it again into bench/baseline/queries.ts`);
      const measured: Measured[] = [];
      for (const server of [mine, base]) {
        if (WARMUP > 0) await load(server.base, s, WARMUP);
        const r = await measure(server, s);
        if (r.non2xx > 0 || r.errors > 0)
          console.warn(`  ${s.name} on ${server.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        measured.push(r);
      }
      rows.push({ scenario: s.name, ours: figures(measured[0]), base: figures(measured[1]), same, sameSql: sqlSame });
      console.log(
        `  ${s.name}: ${mine.name} ${fmt(measured[0].requests.average)} req/s p99 ${fmt(measured[0].latency.p99, 1)} ms, baseline ${fmt(measured[1].requests.average)} req/s p99 ${fmt(measured[1].latency.p99, 1)} ms`,
      );
    }
    return rows;
  } finally {
    for (const s of servers.reverse()) await s.stop();
  }
}

const COMMERCE = { checkout: 'checkout (orders/s)', cart: 'cart pricing' } as const;

async function main(): Promise<void> {
  const only = values.only;
  const commerce = (Object.keys(COMMERCE) as (keyof typeof COMMERCE)[]).filter(
    (k) => !only || COMMERCE[k].includes(only),
  );
  // `--only` naming a commerce scenario runs that group alone (no seeded catalogue needed).
  const care = (Object.keys(CARE) as CareScenario[]).filter((k) => !only || CARE[k].includes(only));
  // `--only` naming a commerce or care scenario runs that group alone (no seeded catalogue needed).
  const rows = !only || (commerce.length === 0 && care.length === 0) ? await catalog() : [];
  if (commerce.length > 0)
    rows.push(
      ...(await runCommerce(
        {
          scenarios: commerce,
          duration: DURATION,
          warmup: WARMUP,
          workers: CONNECTIONS,
          pool: POOL,
          oursEnv: oursBaseEnv(),
          customers: Number(values.customers ?? 2 * 1000 * (DURATION + WARMUP) + 2 * CONNECTIONS),
        },
        (m) => console.log(m),
      )),
    );
  if (care.length > 0)
    rows.push(
      ...(await runCare(
        {
          scenarios: care,
          duration: DURATION,
          warmup: WARMUP,
          workers: CONNECTIONS,
          pool: POOL,
          oursEnv: oursBaseEnv(),
        },
        (m) => console.log(m),
      )),
    );
  print(rows);
  targets(rows);
  const booking = rows.find((r) => r.scenario === CARE.booking);
  if (booking)
    console.log(
      `  (info)  ${CARE.booking}: ours ${fmt(booking.ours.rps)}/s p99 ${fmt(booking.ours.p99, 1)} ms, baseline ${fmt(booking.base.rps)}/s p99 ${fmt(booking.base.p99, 1)} ms`,
    );
  writeFileSync(new URL('dist-bench/last-run.json', repoRoot), JSON.stringify(rows, null, 2));
}

await main();
