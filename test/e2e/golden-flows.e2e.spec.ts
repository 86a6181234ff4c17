import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ok } from '../../clients/typescript/src/index.js';
import { createCategory, createProduct } from '../factories/catalog.factory.js';
import { createBranch } from '../factories/inventory.factory.js';
import { createStaff, PASSWORD } from '../factories/user.factory.js';
import { bootGolden, type Golden } from './support/golden.js';

/** The first golden flow: a customer signs up, finds the nearest branches and a product, and rotates tokens. */
let g: Golden;
const stem = `golden${randomUUID().slice(0, 6)}`;
/** A point no other spec uses: the nearest branches are this spec's own. */
const here = { lat: -47.1 + Math.random(), lng: -120.3 + Math.random() };
const branchIds: string[] = [];
const productIds: string[] = [];

beforeAll(async () => {
  g = await bootGolden({ SEARCH_CACHE_TTL_SECONDS: '0' });
  const { t } = g;
  const admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  for (const km of [1, 2, 3]) {
    const b = await createBranch(t, admin, { lat: here.lat + km / 111, lng: here.lng, nameEn: `${stem} ${km} km` });
    branchIds.push(b.id);
  }
  const category = (await createCategory(t, admin)).id;
  for (const n of [1, 2, 3]) productIds.push((await createProduct(t, admin, category, { nameEn: `${stem} ${n}` })).id);
});
afterAll(async () => {
  await g.close();
});

const newClient = () => g.newClient();

describe('golden flow through @medyour/client', () => {
  it('register, log in, me, nearest branches, product search and detail, refresh', async () => {
    const client = newClient();
    const email = `${stem}@example.com`;
    const registered = ok(
      await client.POST('/v1/auth/register', { body: { name: 'Golden Customer', email, password: PASSWORD } }),
    );
    expect(registered.user.type).toBe('customer');
    expect(client.session.tokens?.accessToken).toBe(registered.accessToken);

    const loggedIn = ok(await client.POST('/v1/auth/login', { body: { identifier: email, password: PASSWORD } }));
    expect(client.session.tokens?.refreshToken).toBe(loggedIn.refreshToken);
    const me = ok(await client.GET('/v1/me'));
    expect(me.user.email).toBe(email);

    // lat and lng are numbers in the generated types; pages follow nextCursor (limit 2: two pages).
    const nearest = [];
    for await (const branch of client.branches.list({ lat: here.lat, lng: here.lng, limit: 2 })) {
      nearest.push(branch);
      if (nearest.length === 3) break;
    }
    expect(nearest.map((b) => b.id)).toEqual(branchIds);
    expect(nearest[0].distanceKm).toBeCloseTo(1, 0);

    const found = [];
    for await (const product of client.products.list({ q: stem, limit: 2 })) found.push(product.id);
    expect(found.sort()).toEqual([...productIds].sort());
    // `rx` is a boolean in the types; the client sends its text.
    const rxOnly = ok(await client.GET('/v1/products', { params: { query: { q: stem, rx: true } } }));
    expect(rxOnly.items).toEqual([]);
    const otc = ok(await client.GET('/v1/products', { params: { query: { q: stem, rx: false } } }));
    expect(otc.items).toHaveLength(3);
    const detail = ok(await client.GET('/v1/products/{id}', { params: { path: { id: productIds[0] } } }));
    expect(detail.nameEn).toBe(`${stem} 1`);

    const before = client.session.tokens!;
    expect(await client.refresh()).toBe(true);
    expect(client.session.tokens!.refreshToken).not.toBe(before.refreshToken);
    expect(ok(await client.GET('/v1/me')).user.id).toBe(me.user.id);
  });

  it('refreshes once on a 401 however many requests met it, and retries them', async () => {
    const client = newClient();
    const email = `${stem}-401@example.com`;
    await client.POST('/v1/auth/register', { body: { name: 'Golden Retry', email, password: PASSWORD } });
    const { refreshToken } = client.session.tokens!;
    client.session.set({ accessToken: 'not-a-valid-access-token', refreshToken });
    const before = g.refreshCalls();
    const answers = await Promise.all([1, 2, 3].map(() => client.GET('/v1/me')));
    expect(answers.map((a) => ok(a).user.email)).toEqual([email, email, email]);
    expect(g.refreshCalls() - before).toBe(1);
    expect(client.session.tokens!.refreshToken).not.toBe(refreshToken);
  });

  it('throws problem+json answers as ApiError with status, code and field errors', async () => {
    const client = newClient();
    const missing = await client
      .GET('/v1/products/{id}', { params: { path: { id: randomUUID() } } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, code: 'catalog/product-not-found' });

    const invalid = await client
      .POST('/v1/auth/login', { body: { identifier: 'x', password: '' } })
      .catch((e: unknown) => e as ApiError);
    expect(invalid).toBeInstanceOf(ApiError);
    expect((invalid as ApiError).status).toBe(400);
    expect((invalid as ApiError).errors.map((e) => e.field)).toEqual(expect.arrayContaining(['identifier']));
  });
});
