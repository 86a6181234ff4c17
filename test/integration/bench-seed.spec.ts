import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/node-postgres';
import { invariantViolations } from '../support/invariants.js';
import { privateDatabase } from '../support/private-db.js';
import { generateProduct, seedBench, type BenchSeedSummary } from '../../bench/seed/generate.js';
import { benchDatabaseUrl } from '../../bench/lib/db.js';
import { isValidGtin } from '../../src/modules/catalog/catalog.rules.js';
import { ingredientsKeyOf, searchTextOf } from '../../src/modules/catalog/catalog.text.js';
import type { Database } from '../../src/db/client.js';

// The bench generator at a small size, so it cannot silently break (no timings here: those are bench/).
let db: Awaited<ReturnType<typeof privateDatabase>>;
let client: pg.Client;
let indexesBefore: string[];
let summary: BenchSeedSummary;
const indexes = async () =>
  (
    await client.query<{ d: string }>(
      `select indexdef as d from pg_indexes where schemaname = 'public' order by indexname`,
    )
  ).rows.map((r) => r.d);

beforeAll(async () => {
  db = await privateDatabase('benchseed');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  indexesBefore = await indexes();
  summary = await seedBench(client, { products: 2000, branches: 12, popular: 20 });
}, 120_000);
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('bench seed generator', () => {
  it('fills every table it promises', async () => {
    const { rows } = await client.query(`select
      (select count(*)::int from products) as products, (select count(*)::int from branches) as branches,
      (select count(*)::int from categories) as categories, (select count(*)::int from stock_lots) as lots,
      (select count(*)::int from stock_movements) as movements, (select count(*)::int from offers) as offers,
      (select count(distinct branch_id)::int from stock_lots) as stocked_branches,
      (select count(*)::int from stock_lots where expires_on < current_date) as expired,
      (select count(*)::int from stock_lots where expires_on > current_date + 365) as late,
      (select count(*)::int from products where name_ar ~ '[\\u0600-\\u06FF]') as arabic,
      (select count(*)::int from products where rx_required) as rx,
      (select count(*)::int from products where controlled and not rx_required) as controlled_without_rx`);
    expect(rows[0]).toMatchObject({ products: 2000, branches: 12, offers: summary.offers, arabic: 2000 });
    expect(rows[0].lots).toBe(summary.lots);
    expect(rows[0].movements).toBe(rows[0].lots);
    // The popular products are at every branch; the others at up to four.
    expect(rows[0].lots).toBeGreaterThan(20 * 12 + 1980);
    expect(rows[0].stocked_branches).toBe(12);
    expect(rows[0].expired).toBeGreaterThan(0);
    expect(rows[0].late).toBeGreaterThan(0);
    expect(rows[0].rx).toBeGreaterThan(200);
    expect(rows[0].controlled_without_rx).toBe(0);
  });

  it('stores search_text, ingredients_key and barcodes exactly as the application computes them', async () => {
    const { rows } = await client.query(
      'select name_en, name_ar, ingredients, manufacturer, search_text, ingredients_key, barcode from products',
    );
    for (const p of rows) {
      const input = { nameEn: p.name_en, nameAr: p.name_ar, ingredients: p.ingredients, manufacturer: p.manufacturer };
      expect(p.search_text).toBe(searchTextOf(input));
      expect(p.ingredients_key).toBe(ingredientsKeyOf(p.ingredients));
      expect(isValidGtin(p.barcode)).toBe(true);
    }
    // Generic substitutes exist: many products share ingredients and form.
    const subs = await client.query(
      'select count(*)::int as n from (select 1 from products group by ingredients_key, form having count(*) > 1) s',
    );
    expect(subs.rows[0].n).toBeGreaterThan(50);
  });

  it('rebuilds every index it dropped, identically, and leaves the invariants holding', async () => {
    expect(await indexes()).toEqual(indexesBefore);
    const violations = await invariantViolations({ db: drizzle({ client }) } as unknown as Database);
    expect(violations).toEqual([]);
  });

  it('generates the same product for the same number and seed', () => {
    const cats = Array.from({ length: 12 }, (_, i) => [`c${i}`]);
    const a = generateProduct(42, 7, cats);
    const b = generateProduct(42, 7, cats);
    expect({ ...a, id: '' }).toEqual({ ...b, id: '' });
    expect(generateProduct(43, 7, cats).barcode).not.toBe(a.barcode);
  });

  it('never targets a test database', () => {
    expect(() => benchDatabaseUrl({ BENCH_DATABASE_URL: 'postgres://h/medyour_test_x_w1' })).toThrow(/refusing/);
    expect(benchDatabaseUrl({ DATABASE_URL: 'postgres://u@h:5432/postgres' })).toBe(
      'postgres://u@h:5432/medyour_bench',
    );
  });
});
