import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { gtinCheckDigit } from '../../src/modules/catalog/catalog.rules.js';
import { ingredientsKeyOf, searchTextOf } from '../../src/modules/catalog/catalog.text.js';
import type { ProductRowInput } from '../../src/modules/catalog/catalog.tables.js';
import { arabicStrength, CATEGORY_ROOTS, CITIES, GENERICS, HEADS, MANUFACTURERS, TAILS } from './names.js';

export interface BenchSeedOptions {
  products: number;
  branches: number;
  /** Products stocked at every branch (the popular ones): availability has many branches to rank. */
  popular?: number;
  /** Rows per INSERT (arrays through unnest: one statement, any number of rows). */
  batchSize?: number;
  seed?: number;
  log?: (message: string) => void;
}

export interface BenchSeedSummary {
  categories: number;
  products: number;
  branches: number;
  lots: number;
  movements: number;
  offers: number;
  seconds: number;
}

/** The tables the generator fills; their secondary indexes are dropped for the load and rebuilt after. */
const LOADED = ['products', 'stock_lots', 'stock_movements'];

/** A tiny deterministic hash → [0, 1): the same options always give the same data. */
function rand(seed: number, i: number, salt: number): number {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[], r: number): T => list[Math.floor(r * list.length)];

const VARIANTS: [string, string][] = [
  ['', ''],
  ['', ''],
  ['', ''],
  [' Forte', ' فورت'],
  [' Plus', ' بلس'],
  [' XR', ' إكس آر'],
  [' Junior', ' جونيور'],
];
const PACKS: Record<string, string[]> = {
  tablet: ['10 tablets', '14 tablets', '20 tablets', '24 tablets', '30 tablets', '60 tablets'],
  capsule: ['10 capsules', '14 capsules', '20 capsules', '30 capsules'],
  syrup: ['60 ml', '100 ml', '120 ml', '200 ml'],
  suspension: ['60 ml', '100 ml'],
  cream: ['15 g', '30 g', '50 g'],
  ointment: ['15 g', '30 g'],
  gel: ['30 g', '50 g', '100 g'],
};

/** A product row as the app itself would write it (images left to the column default). */
export type GeneratedProduct = Omit<ProductRowInput, 'images'> & { id: string };

/** Product number `i`: a brand name over a real generic, strength and form, in English and Arabic. */
export function generateProduct(i: number, seed: number, childCategories: string[][]): GeneratedProduct {
  const r = (salt: number) => rand(seed, i, salt);
  const generic = pick(GENERICS, r(1));
  const strength = pick(generic.strengths, r(2));
  const form = pick(generic.forms, r(3));
  const [headEn, headAr] = pick(HEADS, r(4));
  const [tailEn, tailAr] = pick(TAILS, r(5));
  const [variantEn, variantAr] = pick(VARIANTS, r(6));
  const ingredients = [{ name: generic.name, strength }];
  const named = {
    nameEn: `${headEn}${tailEn}${variantEn} ${strength}`,
    nameAr: `${headAr}${tailAr}${variantAr} ${arabicStrength(strength)}`,
    ingredients,
    manufacturer: pick(MANUFACTURERS, r(7)),
  };
  // 622 (GS1 Egypt) + 9 digits from the product number + check digit: unique below a billion products.
  const body = `622${String(i + 1).padStart(9, '0')}`;
  const price = Math.round(500 * Math.pow(100, r(8))); // EGP 5 to EGP 500, most under EGP 50
  return {
    id: uuidv7(),
    ...named,
    ingredientsKey: ingredientsKeyOf(ingredients),
    form,
    packSize: pick(PACKS[form] ?? ['1 pack', '2 packs'], r(9)),
    barcode: body + gtinCheckDigit(body),
    categoryId: pick(childCategories[generic.category], r(10)),
    priceMinor: price,
    rxRequired: generic.rx,
    controlled: generic.controlled ?? false,
    active: r(11) >= 0.02,
    searchText: searchTextOf(named),
  };
}

/**
 * Fills the database at `client` with categories, `products` products, `branches` branches, stock lots
 * (with their `received` movements, so balances equal movements) and a few offers. Meant for a freshly
 * migrated bench database: it empties the catalogue, branch, stock and offer tables first.
 */
export async function seedBench(client: pg.ClientBase, opts: BenchSeedOptions): Promise<BenchSeedSummary> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const seed = opts.seed ?? 20260310;
  const batchSize = opts.batchSize ?? 10_000;
  const popular = Math.min(opts.popular ?? 1_000, opts.products);
  await client.query(`SET maintenance_work_mem = '1GB'; SET synchronous_commit = off`);
  await client.query(`CREATE OR REPLACE FUNCTION pg_temp.uuid7() RETURNS uuid AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
      substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
      52, 1), 53, 1), 'hex')::uuid $$ LANGUAGE sql VOLATILE`);
  // CASCADE: with them go the rows of tables that name products (carts, order lines…), whichever modules
  // add such tables later; a bench database holds nothing else worth keeping.
  await client.query(
    'TRUNCATE offer_redemptions, offers, stock_reservations, stock_movements, stock_lots, products, categories, product_words, search_words CASCADE',
  );
  // Branches are deleted, not truncated: role_assignments references them (migration 0009) and must keep the
  // accounts' other roles; grants at the old branches go with them.
  await client.query('DELETE FROM role_assignments WHERE branch_id IS NOT NULL');
  await client.query('DELETE FROM branches');
  // The search word index is built once at the end, in index order (its triggers would write it row by row);
  // the trigger is on again whatever happens.
  await client.query(`ALTER TABLE products DISABLE TRIGGER products_search_index_insert`);
  let indexes: { name: string; sql: string }[];
  let childCategories: string[][];
  let lots: number;
  let movements: number;
  let offers: number;
  try {
    indexes = await dropSecondaryIndexes(client);
    log(`dropped ${indexes.length} secondary indexes for the load`);

    childCategories = await insertCategories(client);
    await insertBranches(client, opts.branches, seed);
    log(`${opts.branches} branches, ${childCategories.flat().length} categories`);

    for (let from = 0; from < opts.products; from += batchSize) {
      const rows: GeneratedProduct[] = [];
      for (let i = from; i < Math.min(from + batchSize, opts.products); i++)
        rows.push(generateProduct(i, seed, childCategories));
      await insertProducts(client, rows);
      if ((from / batchSize) % 10 === 9 || from + batchSize >= opts.products)
        log(`products: ${Math.min(from + batchSize, opts.products)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }

    lots = await insertLots(client, popular, seed, log);
    movements = await insertMovements(client);
    log(`lots: ${lots}, movements: ${movements} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    offers = await insertOffers(client);

    for (const def of indexes) {
      const t0 = Date.now();
      await client.query(def.sql);
      log(`index ${def.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
    const t0 = Date.now();
    await client.query('SELECT search_index_rebuild()');
    log(`search word index (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } finally {
    await client.query(`ALTER TABLE products ENABLE TRIGGER products_search_index_insert`);
  }
  await client.query(
    'VACUUM ANALYZE categories, products, branches, stock_lots, stock_movements, offers, product_words, search_words',
  );
  return {
    categories: childCategories.flat().length + CATEGORY_ROOTS.length,
    products: opts.products,
    branches: opts.branches,
    lots,
    movements,
    offers,
    seconds: Math.round((Date.now() - started) / 1000),
  };
}

/** Indexes that no constraint owns (primary keys stay): exactly as the migrations made them, to recreate. */
async function dropSecondaryIndexes(client: pg.ClientBase): Promise<{ name: string; sql: string }[]> {
  const { rows } = await client.query<{ name: string; sql: string }>(
    `SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
     ORDER BY i.tablename, i.indexname`,
    [LOADED],
  );
  for (const r of rows) await client.query(`DROP INDEX "${r.name}"`);
  return rows;
}

async function insertCategories(client: pg.ClientBase): Promise<string[][]> {
  const children: string[][] = [];
  for (const [en, ar, subs] of CATEGORY_ROOTS) {
    const root = uuidv7();
    await client.query('INSERT INTO categories (id, name_en, name_ar) VALUES ($1, $2, $3)', [root, en, ar]);
    const ids: string[] = [];
    for (const [subEn, subAr] of subs) {
      const id = uuidv7();
      await client.query('INSERT INTO categories (id, parent_id, name_en, name_ar) VALUES ($1, $2, $3, $4)', [
        id,
        root,
        subEn,
        subAr,
      ]);
      ids.push(id);
    }
    children.push(ids);
  }
  return children;
}

async function insertBranches(client: pg.ClientBase, count: number, seed: number): Promise<void> {
  const total = CITIES.reduce((s, c) => s + c[4], 0);
  const rows = Array.from({ length: count }, (_, i) => {
    let x = rand(seed, i, 20) * total;
    const city = CITIES.find((c) => (x -= c[4]) < 0) ?? CITIES[0];
    // Within about 12 km of the city centre.
    const lat = city[2] + (rand(seed, i, 21) - 0.5) * 0.2;
    const lng = city[3] + (rand(seed, i, 22) - 0.5) * 0.2;
    const allDay = i % 5 === 0;
    const hours = [0, 1, 2, 3, 4, 5, 6].map((day) =>
      allDay
        ? { day, opens: '00:00', closes: '24:00' }
        : { day, opens: day === 5 ? '13:00' : '09:00', closes: '23:30' },
    );
    return [
      uuidv7(),
      `Medyour ${city[0]} ${i + 1}${allDay ? ' (24h)' : ''}`,
      `ميديور ${city[1]} ${i + 1}`,
      `${10 + (i % 90)} Main St, ${city[0]}`,
      lat,
      lng,
      `+2010${String(10_000_000 + i).slice(-8)}`,
      'Africa/Cairo',
      3 + (i % 8),
      JSON.stringify(hours),
    ];
  });
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const col = (k: number) => chunk.map((r) => r[k]);
    await client.query(
      `INSERT INTO branches (id, name_en, name_ar, address, lat, lng, phone, time_zone, delivery_radius_km, opening_hours)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[],
         $8::text[], $9::float8[], $10::jsonb[])`,
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(col),
    );
  }
}

async function insertProducts(client: pg.ClientBase, rows: GeneratedProduct[]): Promise<void> {
  const col = <K extends keyof GeneratedProduct>(k: K) => rows.map((r) => r[k]);
  await client.query(
    `INSERT INTO products (id, name_en, name_ar, ingredients, ingredients_key, form, pack_size, manufacturer, barcode,
       category_id, price_minor, rx_required, controlled, active, search_text)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::text[],
       $8::text[], $9::text[], $10::uuid[], $11::int[], $12::bool[], $13::bool[], $14::bool[], $15::text[])`,
    [
      col('id'),
      col('nameEn'),
      col('nameAr'),
      rows.map((r) => JSON.stringify(r.ingredients)),
      col('ingredientsKey'),
      col('form'),
      col('packSize'),
      col('manufacturer'),
      col('barcode'),
      col('categoryId'),
      col('priceMinor'),
      col('rxRequired'),
      col('controlled'),
      col('active'),
      col('searchText'),
    ],
  );
}

/**
 * Lots in SQL (no round trips): the `popular` first products at every branch, the others at 0-4 branches
 * picked by a hash; expiry dates from 60 days ago (about 5% expired) to three years ahead.
 */
async function insertLots(
  client: pg.ClientBase,
  popular: number,
  seed: number,
  log: (m: string) => void,
): Promise<number> {
  await client.query(`CREATE TEMP TABLE bench_p ON COMMIT PRESERVE ROWS AS
    SELECT id, row_number() OVER (ORDER BY id) AS rn FROM products`);
  await client.query('CREATE INDEX ON bench_p (rn)');
  await client.query(
    `CREATE TEMP TABLE bench_b AS SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM branches`,
  );
  const {
    rows: [{ n }],
  } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_p');
  let total = 0;
  for (let from = 1; from <= n; from += 200_000) {
    const res = await client.query(
      `INSERT INTO stock_lots (id, branch_id, product_id, lot_number, expires_on, on_hand, reserved)
       SELECT pg_temp.uuid7(),
              CASE WHEN p.rn <= $3 THEN b.ids[k::int] ELSE b.ids[1 + (abs(hashint8(p.rn * 8 + k + $4)) % b.n)] END,
              p.id,
              'L' || to_char(p.rn, 'FM0000000') || '-' || k,
              current_date + (abs(hashint8(p.rn * 8 + k - $4)) % 1156 - 60),
              1 + abs(hashint8(p.rn * 8 + k + 2 * $4)) % 150,
              0
       FROM bench_p p CROSS JOIN bench_b b
       CROSS JOIN LATERAL generate_series(1, CASE WHEN p.rn <= $3 THEN b.n ELSE abs(hashint8(p.rn - $4)) % 5 END) k
       WHERE p.rn BETWEEN $1 AND $2`,
      [from, from + 199_999, popular, seed % 1000],
    );
    total += res.rowCount ?? 0;
    log(`lots: ${total}`);
  }
  await client.query('DROP TABLE bench_p, bench_b');
  return total;
}

async function insertMovements(client: pg.ClientBase): Promise<number> {
  const res = await client.query(
    `INSERT INTO stock_movements (id, lot_id, branch_id, product_id, type, on_hand_delta, reserved_delta, actor_type,
       reason, reference)
     SELECT pg_temp.uuid7(), id, branch_id, product_id, 'received', on_hand, 0, 'system', 'bench seed', lot_number
     FROM stock_lots`,
  );
  return res.rowCount ?? 0;
}

async function insertOffers(client: pg.ClientBase): Promise<number> {
  const res = await client.query(
    `INSERT INTO offers (id, name_en, name_ar, kind, value, scope, category_id, product_id, starts_at, ends_at,
       min_cart_minor, global_limit, per_customer_limit, coupon_code)
     SELECT pg_temp.uuid7(), 'Bench offer ' || g, 'عرض ' || g,
            (CASE WHEN g % 2 = 0 THEN 'percentage' ELSE 'fixed' END)::offer_kind,
            CASE WHEN g % 2 = 0 THEN 5 + g % 20 ELSE 500 * g END,
            (CASE g % 3 WHEN 0 THEN 'cart' WHEN 1 THEN 'category' ELSE 'product' END)::offer_scope,
            CASE WHEN g % 3 = 1 THEN (SELECT id FROM categories WHERE parent_id IS NOT NULL ORDER BY id OFFSET g % 10 LIMIT 1) END,
            CASE WHEN g % 3 = 2 THEN (SELECT id FROM products ORDER BY id OFFSET g LIMIT 1) END,
            now() - interval '1 day', now() + (g || ' days')::interval,
            (g % 4) * 10000, CASE WHEN g % 5 = 0 THEN 1000 END, CASE WHEN g % 2 = 0 THEN 3 END,
            CASE WHEN g % 7 = 0 THEN 'BENCH' || g END
     FROM generate_series(1, 30) g`,
  );
  return res.rowCount ?? 0;
}
