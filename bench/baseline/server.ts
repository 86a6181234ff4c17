import Fastify from 'fastify';
import pg from 'pg';
import { isOpenAt } from '../../src/modules/branches/branches.rules.js';
import { normalizeSearch } from '../../src/modules/catalog/catalog.text.js';
import { isoDate, sellableCutoff } from '../../src/modules/inventory/inventory.rules.js';
import { AVAILABILITY, browse, branchesMatching, NEAREST_BRANCHES, PRODUCT_BY_ID, ranked } from './queries.js';

/**
 * The baseline: bare Fastify and a pg pool, no framework, no guard, no cache, no validation library. The
 * same routes and the same SQL as our API (queries.ts), the same cursors, so a scenario's answer is
 * comparable and the difference in speed is what our stack costs (or saves, where it caches).
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10) });
const app = Fastify({ logger: false });
const EXPIRY_MARGIN_DAYS = Number(process.env.STOCK_EXPIRY_MARGIN_DAYS ?? 30);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const cutoff = () => sellableCutoff(isoDate(new Date()), EXPIRY_MARGIN_DAYS);
const encodeCursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
const decodeCursor = (c: string | undefined): unknown[] | undefined =>
  c ? (JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown[]) : undefined;
const limitOf = (v: string | undefined, def = 20) => Math.min(Math.max(Number(v ?? def) || def, 1), 100);

type Q = Record<string, string | undefined>;

app.get('/health/live', async () => ({ status: 'ok' }));

app.get<{ Params: { id: string } }>('/v1/products/:id', async (req, reply) => {
  if (!UUID.test(req.params.id)) return reply.code(400).send({ code: 'common/validation-failed' });
  const { rows } = await pool.query(PRODUCT_BY_ID, [req.params.id]);
  const p = rows[0];
  if (!p?.active) return reply.code(404).send({ code: 'catalog/product-not-found' });
  return {
    id: p.id,
    nameEn: p.name_en,
    nameAr: p.name_ar,
    ingredients: p.ingredients,
    form: p.form,
    packSize: p.pack_size,
    manufacturer: p.manufacturer,
    barcode: p.barcode,
    categoryId: p.category_id,
    priceMinor: p.price_minor,
    rxRequired: p.rx_required,
    controlled: p.controlled,
    images: p.images,
    active: p.active,
    version: p.version,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
});

const summary = (r: Record<string, any>) => ({
  id: r.id,
  nameEn: r.nameEn,
  nameAr: r.nameAr,
  ingredients: r.ingredients,
  form: r.form,
  packSize: r.packSize,
  manufacturer: r.manufacturer,
  categoryId: r.categoryId,
  priceMinor: Number(r.priceMinor),
  rxRequired: r.rxRequired,
  controlled: r.controlled,
  image: r.image,
  inStock: r.inStock === true,
});

app.get<{ Querystring: Q }>('/v1/products', async (req) => {
  const limit = limitOf(req.query.limit);
  const after = decodeCursor(req.query.cursor)?.[1] as string | undefined;
  const { rows } = after
    ? await pool.query(browse(true), [cutoff(), after, limit + 1])
    : await pool.query(browse(false), [cutoff(), limit + 1]);
  const page = rows.slice(0, limit);
  return {
    items: page.map(summary),
    nextCursor: rows.length > limit ? encodeCursor(['b', page[page.length - 1].id]) : null,
  };
});

app.get<{ Querystring: Q }>('/v1/search', async (req) => {
  // search.rules.ts searchTerms: the normalised words, each a required prefix; typos from 4 letters.
  const tokens = normalizeSearch(req.query.q ?? '')
    .split(' ')
    .filter(Boolean)
    .slice(0, 8);
  if (tokens.length === 0) return { products: [], doctors: [], specialties: [], branches: [] };
  const text = tokens.join(' ');
  const tsquery = tokens.map((t) => `${t}:*`).join(' & ');
  const typo = text.length >= 4;
  const [products, branches] = await Promise.all([
    pool.query(ranked(typo), [tsquery, ...(typo ? [text] : []), cutoff(), tokens[0], text, 10]),
    pool.query(branchesMatching(tokens.length), [...tokens.map((t) => `%${t}%`), 10]),
  ]);
  return {
    products: products.rows.map(summary),
    doctors: [],
    specialties: [],
    branches: branches.rows,
  };
});

app.get<{ Querystring: Q }>('/v1/branches', async (req) => {
  const lat = Number(req.query.lat);
  const lng = Number(req.query.lng);
  const limit = limitOf(req.query.limit);
  const { rows } = await pool.query({
    text: NEAREST_BRANCHES,
    values: [lat, lng, lat, lng, true, lat, lng, limit + 1],
    rowMode: 'array',
  });
  const now = new Date();
  const page = rows.slice(0, limit);
  const items = page.map((r) => ({
    id: r[0],
    nameEn: r[1],
    nameAr: r[2],
    address: r[3],
    lat: r[4],
    lng: r[5],
    phone: r[6],
    timeZone: r[7],
    deliveryRadiusKm: r[8],
    openingHours: r[9],
    active: r[10],
    createdAt: r[11].toISOString(),
    updatedAt: r[12].toISOString(),
    distanceKm: Number(r[14]),
    openNow: isOpenAt(r[9], r[7], now),
  }));
  const last = page[page.length - 1];
  const more = rows.length > limit;
  return {
    items,
    nextCursor: more
      ? encodeCursor([Number(last[13]), last[0], Number(rows[limit][13]) === Number(last[13]) ? 1 : 0])
      : null,
  };
});

app.get<{ Params: { id: string }; Querystring: Q }>('/v1/products/:id/availability', async (req) => {
  const lat = Number(req.query.lat);
  const lng = Number(req.query.lng);
  const { rows } = await pool.query({
    text: AVAILABILITY,
    values: [lat, lng, true, req.params.id, cutoff(), lat, lng, limitOf(req.query.limit)],
    rowMode: 'array',
  });
  return {
    items: rows.map((r) => ({ branchId: r[0], nameEn: r[1], nameAr: r[2], quantity: r[3], distanceKm: Number(r[4]) })),
  };
});

await app.listen({ port: Number(process.env.PORT ?? 3902), host: '127.0.0.1' });
const stop = () => void app.close().then(() => pool.end().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
