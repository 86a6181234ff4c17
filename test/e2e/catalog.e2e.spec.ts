import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { buildProduct, createCategory, createProduct, uniqueGtin } from '../factories/catalog.factory.js';
import { createBranch } from '../factories/inventory.factory.js';
import { uploadFile } from '../security/resources.js';
import { invariantViolations } from '../support/invariants.js';

let t: TestApp;
let manager: string;
let customer: string;
let pharmacist: string;
let categoryId: string;

beforeAll(async () => {
  t = await bootTestApp();
  manager = (await createStaff(t, [{ role: 'catalog_manager', branchId: null }])).accessToken;
  customer = (await registerUser(t)).accessToken;
  // A real branch: role grants name an existing branch (foreign key, migration 0009).
  const branch = await createBranch(t, (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken);
  pharmacist = (await createStaff(t, [{ role: 'pharmacist', branchId: branch.id }])).accessToken;
  categoryId = (await createCategory(t, manager)).id;
});
afterAll(async () => {
  await t?.close();
});

const fieldsOf = (res: { body: { errors?: { field: string; code: string }[] } }) =>
  (res.body.errors ?? []).map((e) => `${e.field}:${e.code}`);

describe('categories', () => {
  it('builds a tree and lists it flat, parents before children, each with its parentId and depth', async () => {
    const root = await createCategory(t, manager, { nameEn: 'Pain & Fever', nameAr: 'المسكنات' });
    const child = await createCategory(t, manager, { nameEn: 'Headache', nameAr: 'الصداع', parentId: root.id });
    const grandchild = await createCategory(t, manager, { nameEn: 'Migraine', nameAr: 'الشقيقة', parentId: child.id });
    expect(child).toEqual({ id: expect.any(String), parentId: root.id, nameEn: 'Headache', nameAr: 'الصداع' });

    const res = await t.http.get('/v1/categories');
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const items = res.body.items as { id: string; parentId: string | null; depth: number }[];
    const at = (id: string) => items.findIndex((c) => c.id === id);
    expect(items[at(root.id)]).toMatchObject({ parentId: null, depth: 0 });
    expect(items[at(grandchild.id)]).toMatchObject({ parentId: child.id, depth: 2 });
    expect(at(root.id)).toBeLessThan(at(child.id));
    expect(at(child.id)).toBeLessThan(at(grandchild.id));
    // Every parent appears before its children: one pass builds the tree.
    const seen = new Set<string>();
    for (const c of items) {
      if (c.parentId) expect(seen.has(c.parentId)).toBe(true);
      seen.add(c.id);
    }
  });

  it('pages the tree with a keyset cursor, without duplicates or gaps', async () => {
    const all = (await t.http.get('/v1/categories')).body.items as { id: string }[];
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await t.http.get(
        `/v1/categories?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      walked.push(...res.body.items.map((c) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all.map((c) => c.id));
  });

  it('refuses an unknown parent, bad input and a bad cursor with 400 and a code', async () => {
    const unknown = await t.http.post(
      '/v1/admin/categories',
      { nameEn: 'X', nameAr: 'س', parentId: randomUUID() },
      manager,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('catalog/parent-not-found');
    expect(fieldsOf(unknown)).toEqual(['parentId:not_found']);

    const bad = await t.http.post('/v1/admin/categories', { nameEn: '', color: 'red' }, manager);
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(
      expect.arrayContaining(['nameEn:too_small', 'nameAr:required', 'color:unknown_field']),
    );
    expect((await t.http.get('/v1/categories?cursor=garbage')).body.code).toBe('common/invalid-cursor');
    expect((await t.http.get('/v1/categories?limit=0')).status).toBe(400);
  });

  it('renames and moves, answers 404 for an unknown category and 409 for a move into its own subtree', async () => {
    const a = await createCategory(t, manager);
    const b = await createCategory(t, manager, { parentId: a.id });
    const c = await createCategory(t, manager, { parentId: b.id });
    const renamed = await t.http.patch(`/v1/admin/categories/${c.id}`, { nameAr: 'مُسَكِّنات' }, manager);
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: c.id, parentId: b.id, nameAr: 'مُسَكِّنات' });

    for (const parentId of [a.id, c.id]) {
      const cycle = await t.http.patch(`/v1/admin/categories/${a.id}`, { parentId }, manager);
      expect(cycle.status, parentId).toBe(409);
      expect(cycle.body.code).toBe('catalog/category-cycle');
    }
    const toRoot = await t.http.patch(`/v1/admin/categories/${c.id}`, { parentId: null }, manager);
    expect(toRoot.body.parentId).toBeNull();
    const listed = (await t.http.get('/v1/categories')).body.items.find((x: { id: string }) => x.id === c.id);
    expect(listed.depth).toBe(0);

    const missing = await t.http.patch(`/v1/admin/categories/${randomUUID()}`, { nameEn: 'Y' }, manager);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('catalog/category-not-found');
    expect((await t.http.patch(`/v1/admin/categories/${a.id}`, {}, manager)).status).toBe(400);
    expect((await t.http.patch(`/v1/admin/categories/not-a-uuid`, { nameEn: 'Y' }, manager)).status).toBe(400);
  });

  it('never closes a loop under concurrent crossed moves (A under B and B under A at once)', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await createCategory(t, manager);
      const b = await createCategory(t, manager);
      const [ab, ba] = await Promise.all([
        t.http.patch(`/v1/admin/categories/${a.id}`, { parentId: b.id }, manager),
        t.http.patch(`/v1/admin/categories/${b.id}`, { parentId: a.id }, manager),
      ]);
      expect([ab.status, ba.status].sort()).toEqual([200, 409]);
    }
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('is written by catalog:write holders only', async () => {
    for (const token of [customer, pharmacist]) {
      const res = await t.http.post('/v1/admin/categories', { nameEn: 'X', nameAr: 'س' }, token);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('auth/forbidden');
    }
    expect((await t.http.post('/v1/admin/categories', { nameEn: 'X', nameAr: 'س' })).status).toBe(401);
  });
});

describe('products', () => {
  it('creates a product and serves it publicly with every contract field', async () => {
    const input = buildProduct(categoryId, {
      nameEn: 'Augmentin 1 g',
      nameAr: 'أوجمنتين ١ جم',
      ingredients: [
        { name: 'Amoxicillin', strength: '875 mg' },
        { name: 'Clavulanic acid', strength: '125 mg' },
      ],
      rxRequired: true,
      images: ['https://cdn.example.com/augmentin.png'],
    });
    const created = await t.http.post('/v1/admin/products', input, manager);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      ...input,
      id: expect.any(String),
      active: true,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const read = await t.http.get(`/v1/products/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('validates the GTIN check digit and the fields, with field codes', async () => {
    const body = buildProduct(categoryId);
    const wrongCheck = body.barcode.slice(0, -1) + String((Number(body.barcode.at(-1)) + 1) % 10);
    for (const barcode of [wrongCheck, '12345', 'ABCDEFGH', '123456789012345']) {
      const res = await t.http.post('/v1/admin/products', { ...body, barcode }, manager);
      expect(res.status, barcode).toBe(400);
      expect(
        fieldsOf(res).some((f) => f.startsWith('barcode:')),
        barcode,
      ).toBe(true);
    }
    // The shapes of GTIN-8, -12 and -14 are accepted too.
    for (const barcode of ['96385074', '036000291452', '10614141000415']) {
      const res = await t.http.post('/v1/admin/products', { ...buildProduct(categoryId), barcode }, manager);
      expect(res.status, barcode).toBe(201);
    }
    const bad = await t.http.post(
      '/v1/admin/products',
      { ...body, priceMinor: 12.5, ingredients: [], images: ['http://insecure.example/x.png'], extra: 1 },
      manager,
    );
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(
      expect.arrayContaining(['priceMinor:invalid_type', 'ingredients:too_small', 'extra:unknown_field']),
    );
    expect(fieldsOf(bad).some((f) => f.startsWith('images.0'))).toBe(true);
    const negative = await t.http.post('/v1/admin/products', { ...body, priceMinor: -1 }, manager);
    expect(negative.status).toBe(400);
  });

  it('answers 409 catalog/barcode-taken for a barcode in use, also when many try at once', async () => {
    const first = await createProduct(t, manager, categoryId);
    const dup = await t.http.post('/v1/admin/products', buildProduct(categoryId, { barcode: first.barcode }), manager);
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('catalog/barcode-taken');
    const inArabic = await t.http.post(
      '/v1/admin/products',
      buildProduct(categoryId, { barcode: first.barcode }),
      manager,
      {
        'accept-language': 'ar',
      },
    );
    expect(inArabic.body.detail).toBe('يوجد منتج آخر بنفس الباركود');

    const barcode = uniqueGtin();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.http.post('/v1/admin/products', buildProduct(categoryId, { barcode }), manager),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
  });

  it('refuses an unknown category and a controlled product that needs no prescription', async () => {
    const unknown = await t.http.post('/v1/admin/products', buildProduct(randomUUID()), manager);
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('catalog/category-not-found');
    const controlled = await t.http.post(
      '/v1/admin/products',
      buildProduct(categoryId, { controlled: true, rxRequired: false }),
      manager,
    );
    expect(controlled.status).toBe(400);
    expect(controlled.body.code).toBe('catalog/controlled-needs-rx');
  });

  it('accepts an image file id only for a file the same staff member uploaded', async () => {
    const mine = await uploadFile(t, manager);
    const ok = await t.http.post('/v1/admin/products', buildProduct(categoryId, { images: [mine] }), manager);
    expect(ok.status).toBe(201);
    expect(ok.body.images).toEqual([mine]);
    const theirs = await uploadFile(t, customer);
    const res = await t.http.post('/v1/admin/products', buildProduct(categoryId, { images: [theirs] }), manager);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('catalog/image-not-found');
    expect(fieldsOf(res)).toEqual(['images.0:not_found']);
  });

  it('updates with a version bump, refuses a stale version with 409, and invalidates the cached product', async () => {
    const p = await createProduct(t, manager, categoryId);
    expect((await t.http.get(`/v1/products/${p.id}`)).body.priceMinor).toBe(p.priceMinor); // now cached
    const res = await t.http.patch(`/v1/admin/products/${p.id}`, { priceMinor: 9999, version: 1 }, manager);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ priceMinor: 9999, version: 2, nameEn: p.nameEn });
    expect((await t.http.get(`/v1/products/${p.id}`)).body).toMatchObject({ priceMinor: 9999, version: 2 });

    const stale = await t.http.patch(`/v1/admin/products/${p.id}`, { priceMinor: 1, version: 1 }, manager);
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('catalog/version-conflict');
    // Without a version, last write wins and still bumps.
    const blind = await t.http.patch(`/v1/admin/products/${p.id}`, { nameEn: 'Renamed' }, manager);
    expect(blind.body).toMatchObject({ nameEn: 'Renamed', version: 3, priceMinor: 9999 });
  });

  it('lets exactly one of many concurrent updates at the same version win', async () => {
    const p = await createProduct(t, manager, categoryId);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.http.patch(`/v1/admin/products/${p.id}`, { priceMinor: 100 + i, version: 1 }, manager),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(7).fill(409)]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await t.http.get(`/v1/products/${p.id}`)).body).toMatchObject({
      version: 2,
      priceMinor: winner.body.priceMinor,
    });
  });

  it('answers 404, 400 and 409 on bad updates', async () => {
    const a = await createProduct(t, manager, categoryId);
    const b = await createProduct(t, manager, categoryId);
    expect((await t.http.patch(`/v1/admin/products/${randomUUID()}`, { priceMinor: 1 }, manager)).body.code).toBe(
      'catalog/product-not-found',
    );
    expect((await t.http.patch(`/v1/admin/products/${a.id}`, { version: 1 }, manager)).status).toBe(400);
    expect((await t.http.patch(`/v1/admin/products/${a.id}`, { barcode: '123' }, manager)).status).toBe(400);
    const taken = await t.http.patch(`/v1/admin/products/${a.id}`, { barcode: b.barcode }, manager);
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('catalog/barcode-taken');
    const controlled = await t.http.patch(`/v1/admin/products/${a.id}`, { controlled: true }, manager);
    expect(controlled.body.code).toBe('catalog/controlled-needs-rx');
    const unknownCategory = await t.http.patch(`/v1/admin/products/${a.id}`, { categoryId: randomUUID() }, manager);
    expect(unknownCategory.body.code).toBe('catalog/category-not-found');
  });

  it('deactivates (PATCH active: false or DELETE): the public then gets 404, staff can reactivate', async () => {
    const p = await createProduct(t, manager, categoryId);
    const off = await t.http.request('DELETE', `/v1/admin/products/${p.id}`, { token: manager });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false, version: 2 });
    const publicRead = await t.http.get(`/v1/products/${p.id}`);
    expect(publicRead.status).toBe(404);
    expect(publicRead.body.code).toBe('catalog/product-not-found');
    // Deleting again changes nothing.
    expect((await t.http.request('DELETE', `/v1/admin/products/${p.id}`, { token: manager })).body.version).toBe(2);
    const on = await t.http.patch(`/v1/admin/products/${p.id}`, { active: true }, manager);
    expect(on.body).toMatchObject({ active: true, version: 3 });
    expect((await t.http.get(`/v1/products/${p.id}`)).status).toBe(200);
    const off2 = await t.http.patch(`/v1/admin/products/${p.id}`, { active: false }, manager);
    expect(off2.body.active).toBe(false);
    expect((await t.http.get(`/v1/products/${p.id}`)).status).toBe(404);
    expect((await t.http.request('DELETE', `/v1/admin/products/${randomUUID()}`, { token: manager })).status).toBe(404);
  });

  it('answers 404 for unknown ids and 400 for malformed ones', async () => {
    expect((await t.http.get(`/v1/products/${randomUUID()}`)).status).toBe(404);
    expect((await t.http.get('/v1/products/not-a-uuid')).status).toBe(400);
  });

  it('replays a create with the same Idempotency-Key instead of answering 409', async () => {
    const body = buildProduct(categoryId);
    const headers = { 'idempotency-key': `create-${randomUUID()}` };
    const first = await t.http.post('/v1/admin/products', body, manager, headers);
    const again = await t.http.post('/v1/admin/products', body, manager, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('is written by catalog:write holders only, and audits who changed a price', async () => {
    const p = await createProduct(t, manager, categoryId);
    for (const token of [customer, pharmacist]) {
      expect((await t.http.post('/v1/admin/products', buildProduct(categoryId), token)).status).toBe(403);
      expect((await t.http.patch(`/v1/admin/products/${p.id}`, { priceMinor: 1 }, token)).status).toBe(403);
      expect((await t.http.request('DELETE', `/v1/admin/products/${p.id}`, { token })).status).toBe(403);
    }
    await t.http.patch(`/v1/admin/products/${p.id}`, { priceMinor: 7777 }, manager);
    const rows = (await t.database.db.execute(
      sql`select action, details from audit_log where subject_id = ${p.id} order by id`,
    )) as unknown as { rows: { action: string; details: Record<string, unknown> }[] };
    expect(rows.rows.map((r) => r.action)).toEqual(['catalog.product_created', 'catalog.product_updated']);
    expect(rows.rows[1].details).toMatchObject({ priceBefore: p.priceMinor, priceAfter: 7777, version: 2 });
  });
});
