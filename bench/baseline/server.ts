import Fastify from 'fastify';
import pg from 'pg';
import { buildGeoIndex, nearestPage } from '../../src/modules/branches/branches.geo.js';
import { isOpenAt } from '../../src/modules/branches/branches.rules.js';
import { isoDate, sellableCutoff } from '../../src/modules/inventory/inventory.rules.js';
import { branchesMatching, prefixEnd, searchTerms } from '../../src/modules/search/search.rules.js';
import { registerCare } from '../care/routes.js';
import { registerCommerce } from '../commerce/routes.js';
import { ACTIVE_BRANCHES, AVAILABILITY, browse, PRODUCT_BY_ID, RANKED, RANKED_PREFIX } from './queries.js';

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

/** The active branches, loaded once (our API caches the same set, invalidated on writes). */
const activeBranches = (await pool.query(ACTIVE_BRANCHES, [true, 5001])).rows.map((r) => ({
  id: r.id as string,
  nameEn: r.name_en as string,
  nameAr: r.name_ar as string,
  address: r.address as string,
  lat: r.lat as number,
  lng: r.lng as number,
  phone: r.phone as string,
  timeZone: r.time_zone as string,
  deliveryRadiusKm: r.delivery_radius_km as number,
  openingHours: r.opening_hours,
  active: r.active as boolean,
  createdAt: (r.created_at as Date).toISOString(),
  updatedAt: (r.updated_at as Date).toISOString(),
}));
const geoIndex = buildGeoIndex(activeBranches);

app.get('/health/live', async () => ({ status: 'ok' }));
// Cart pricing and checkout (bench/commerce): they verify our API's access tokens, so they need its secret.
if (process.env.JWT_SECRET) registerCommerce(app, pool, process.env.JWT_SECRET);
// Slot search and booking (bench/care): booking verifies our API's access tokens too.
if (process.env.JWT_SECRET) registerCare(app, pool, process.env.JWT_SECRET);

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
    ? await pool.query({ name: 'browse_after', text: browse(true), values: [cutoff(), after, limit + 1] })
    : await pool.query({ name: 'browse', text: browse(false), values: [cutoff(), limit + 1] });
  const page = rows.slice(0, limit);
  return {
    items: page.map(summary),
    nextCursor: rows.length > limit ? encodeCursor(['b', page[page.length - 1].id]) : null,
  };
});

/** The parameters after the words: cutoff and limit for the lazy first page, cutoff for the full ranking, limit ×3. */
const rankArgs = () => [cutoff(), 10, cutoff(), 10, 10, 10];

app.get<{ Querystring: Q }>('/v1/search', async (req) => {
  // SearchService.search: prefixes of the longest word, typos only when nothing starts with it (one statement);
  // branches from the active set in memory.
  const terms = searchTerms(req.query.q ?? '');
  if (!terms) return { products: [], doctors: [], specialties: [], branches: [] };
  // Named, as our API prepares its search statements (Database.prepared).
  const range = [terms.driver, prefixEnd(terms.driver)];
  const { rows } = terms.typo
    ? await pool.query({ name: 'ranked', text: RANKED, values: [...range, terms.driver, terms.driver, ...rankArgs()] })
    : await pool.query({ name: 'ranked_prefix', text: RANKED_PREFIX, values: [...range, ...rankArgs()] });
  return {
    products: rows.map(summary),
    doctors: [],
    specialties: [],
    branches: branchesMatching(activeBranches, terms.tokens, 10).map((b) => ({
      id: b.id,
      nameEn: b.nameEn,
      nameAr: b.nameAr,
      address: b.address,
    })),
  };
});

app.get<{ Querystring: Q }>('/v1/branches', async (req) => {
  // BranchesService.nearest: the same in-process index over the active set (no SQL per request).
  const from = { lat: Number(req.query.lat), lng: Number(req.query.lng) };
  const limit = limitOf(req.query.limit);
  const page = nearestPage(geoIndex, from, undefined, limit);
  const now = new Date();
  return {
    items: page.items.map((n) => ({
      ...n.item,
      distanceKm: n.km,
      openNow: isOpenAt(n.item.openingHours, n.item.timeZone, now),
    })),
    nextCursor: page.next ? encodeCursor([page.next.key, page.next.id, page.next.ties ? 1 : 0]) : null,
  };
});

app.get<{ Params: { id: string }; Querystring: Q }>('/v1/products/:id/availability', async (req) => {
  const lat = Number(req.query.lat);
  const lng = Number(req.query.lng);
  const { rows } = await pool.query({
    text: AVAILABILITY,
    values: [lat, lng, req.params.id, cutoff(), lat, lng, limitOf(req.query.limit)],
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
