import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { SearchRepository } from '../../src/modules/search/search.repository.js';
import { searchTerms } from '../../src/modules/search/search.rules.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff } from '../factories/user.factory.js';
import { createCategory } from '../factories/catalog.factory.js';
import { CSV_HEADER, csvLine, generateProducts } from '../support/catalog-data.js';

/**
 * The bulk import at volume: IMPORT_ROWS generated rows (20,000 by default so `npm test` stays fast;
 * `IMPORT_ROWS=100000 npx vitest run test/integration/catalog-import.spec.ts` for the issue's figure).
 * Prints the time; asserts what was written, never how fast.
 */
const ROWS = Number(process.env.IMPORT_ROWS ?? 20_000);

let t: TestApp;
let manager: string;
let csv: string;
let categoryIds: string[];

beforeAll(async () => {
  t = await bootTestApp();
  manager = (await createStaff(t, [{ role: 'catalog_manager', branchId: null }])).accessToken;
  const created = [];
  for (let i = 0; i < 5; i++) created.push(await createCategory(t, manager, { nameEn: `Bulk ${Date.now()}-${i}` }));
  const names = created.map((c) => c.nameEn);
  categoryIds = created.map((c) => c.id);
  const lines = [CSV_HEADER];
  let i = 0;
  for (const p of generateProducts(ROWS, { barcodePrefix: '63' })) lines.push(csvLine(p, names[i++ % names.length]));
  csv = lines.join('\n') + '\n';
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const importCsv = () =>
  t.http.request('POST', '/v1/admin/products/import', {
    raw: csv,
    token: manager,
    headers: { 'content-type': 'text/csv' },
  });

const count = async () =>
  // Only this file's categories: other specs sharing the worker's database create products too (their
  // random barcodes can start with 63 as well).
  (
    (await t.database.db.execute(
      sql`select count(*)::int as n from products where category_id in ${sql.raw(`('${categoryIds.join("','")}')`)}`,
    )) as unknown as {
      rows: { n: number }[];
    }
  ).rows[0].n;

describe(`bulk import of ${ROWS} rows`, () => {
  it('creates every row, in batches, and prints the time', async () => {
    const started = performance.now();
    const res = await importCsv();
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `catalog import: ${ROWS} rows (${(csv.length / 1e6).toFixed(1)} MB) in ${seconds.toFixed(1)} s ` +
        `(${Math.round(ROWS / seconds)} rows/s)`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: ROWS, updated: 0, unchanged: 0, rejectedCount: 0, rejected: [] });
    expect(await count()).toBe(ROWS);
  }, 300_000);

  it('leaves every row alone on a second import of the same file', async () => {
    const started = performance.now();
    const res = await importCsv();
    console.info(`catalog re-import (all unchanged): ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(res.body).toMatchObject({ created: 0, updated: 0, unchanged: ROWS, rejectedCount: 0 });
  }, 300_000);

  it('is written so the word index serves every match (no scan of products or of the index is needed)', async () => {
    await t.database.db.execute(sql`analyze products, product_words, search_words`);
    // A brand of the generated catalog (a few dozen of the rows), its Arabic spelling, and a typo of it.
    const [sample] = generateProducts(1, {});
    const brandEn = sample.nameEn.split(' ')[0].toLowerCase();
    const brandAr = sample.nameAr.split(' ')[0];
    // A letter mistyped in the middle (augmentin → augmuntin). One missed at the end could as well be a typo of
    // a shorter brand of the generated catalog (kiprilo: kipril or kiprilzo?).
    const mid = Math.floor(brandEn.length / 2);
    const typo = brandEn.slice(0, mid) + (brandEn[mid] === 'u' ? 'o' : 'u') + brandEn.slice(mid + 1);
    const cases: [string, boolean][] = [
      [brandEn.slice(0, 3), false],
      [brandEn, false],
      [brandAr, false],
      [`${brandEn.slice(0, 4)} ${sample.nameEn.split(' ')[1]}`, false],
      [typo, true],
    ];
    for (const [q, typoMode] of cases) {
      // With sequential scans priced out, any Seq Scan left would mean a predicate no index can serve. Which
      // plan wins at which size is the planner's call; at a million products it picks these on its own.
      const plan = await t.database.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        return new SearchRepository(tx as unknown as Db).rankedPlan(searchTerms(q)!, {}, '2000-01-01');
      });
      const nodes = nodesOf(plan);
      const seqScans = nodes.filter((n) => n['Node Type'] === 'Seq Scan');
      expect(seqScans, q).toEqual([]);
      const indexes = nodes.map((n) => n['Index Name']);
      expect(indexes, q).toContain('product_words_pkey');
      // The dictionary is small (thousands of words at a million products): the planner may read it whole.
      if (typoMode) expect(nodes.map((n) => n['Relation Name'])).toContain('search_words');
    }
    const found = await t.app.get(SearchRepository).ranked(searchTerms(typo)!, {}, '2000-01-01', undefined, 100);
    expect(found.map((p) => p.nameEn.split(' ')[0].toLowerCase())).toContain(brandEn);
  });
});

/** Every node of an EXPLAIN (FORMAT JSON) plan. */
function nodesOf(plan: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n['Node Type'] === 'string') out.push(n);
    Object.values(n).forEach(walk);
  };
  walk(plan);
  return out;
}
