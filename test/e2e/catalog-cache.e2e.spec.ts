import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff } from '../factories/user.factory.js';
import { createCategory, createProduct } from '../factories/catalog.factory.js';

/** Product and category reads are cached on two levels (L1 per node, Redis); ranked searches briefly. */
const stem = Array.from({ length: 7 }, () => 'bcdfghjklmnpqrstvwxz'[randomInt(20)]).join('');
const Stem = stem[0].toUpperCase() + stem.slice(1);

describe('product cache across API nodes', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const shared = { REDIS_KEY_PREFIX: `cat-${randomUUID().slice(0, 8)}:` };
    a = await bootTestApp(shared);
    b = await bootTestApp(shared);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('a write on node A reaches the cached copy on node B', async () => {
    const token = (await createStaff(a, [{ role: 'catalog_manager', branchId: null }])).accessToken;
    const category = await createCategory(a, token);
    const p = await createProduct(a, token, category.id);
    expect((await b.http.get(`/v1/products/${p.id}`)).body.priceMinor).toBe(p.priceMinor);
    expect((await b.http.get('/v1/categories')).body.items.some((c: { id: string }) => c.id === category.id)).toBe(
      true,
    );
    await a.http.patch(`/v1/admin/products/${p.id}`, { priceMinor: 123 }, token);
    const child = await createCategory(a, token, { parentId: category.id });
    await new Promise((r) => setTimeout(r, 100)); // pub/sub delivery
    expect((await b.http.get(`/v1/products/${p.id}`)).body.priceMinor).toBe(123);
    expect((await b.http.get('/v1/categories')).body.items.some((c: { id: string }) => c.id === child.id)).toBe(true);
    await a.http.request('DELETE', `/v1/admin/products/${p.id}`, { token });
    await new Promise((r) => setTimeout(r, 100));
    expect((await b.http.get(`/v1/products/${p.id}`)).status).toBe(404);
  });
});

describe('with Redis unreachable', () => {
  let down: TestApp;
  beforeAll(async () => {
    down = await bootTestApp({ REDIS_URL: 'redis://127.0.0.1:1/0' });
  });
  afterAll(async () => {
    await down?.close();
  });

  it('still reads and writes the catalog from the database', async () => {
    const token = (await createStaff(down, [{ role: 'catalog_manager', branchId: null }])).accessToken;
    const category = await createCategory(down, token);
    const p = await createProduct(down, token, category.id);
    expect((await down.http.get(`/v1/products/${p.id}`)).status).toBe(200);
    await down.http.patch(`/v1/admin/products/${p.id}`, { priceMinor: 42 }, token);
    expect((await down.http.get(`/v1/products/${p.id}`)).body.priceMinor).toBe(42);
    expect((await down.http.get('/v1/categories')).status).toBe(200);
  });
});

describe('search cache', () => {
  let cached: TestApp;
  beforeAll(async () => {
    cached = await bootTestApp({ SEARCH_CACHE_TTL_SECONDS: '30' });
  });
  afterAll(async () => {
    await cached?.close();
  });

  it('serves a repeated ranked search from the cache for its TTL, while another query sees writes at once', async () => {
    const token = (await createStaff(cached, [{ role: 'catalog_manager', branchId: null }])).accessToken;
    const first = await cached.http.get(`/v1/products?q=${stem}`);
    expect(first.body.items).toEqual([]);
    await createProduct(cached, token, (await createCategory(cached, token)).id, { nameEn: `${Stem} One` });
    expect((await cached.http.get(`/v1/products?q=${stem}`)).body.items).toEqual([]);
    // Another query (or browsing) is not cached and sees it at once.
    expect((await cached.http.get(`/v1/products?q=${stem.slice(0, -1)}`)).body.items).toHaveLength(1);
  });
});
