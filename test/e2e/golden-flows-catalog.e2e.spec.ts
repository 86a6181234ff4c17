import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type MedyourClient } from '../../clients/typescript/src/index.js';
import { buildCategory, buildProduct } from '../factories/catalog.factory.js';
import { all, bootGolden, refusal, type Golden } from './support/golden.js';

/** Golden flow: a catalog manager builds the catalog through @medyour/client; customers read it. */
let g: Golden;
let manager: MedyourClient;
let customer: MedyourClient;
const stem = `goldcat${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  g = await bootGolden({ SEARCH_CACHE_TTL_SECONDS: '0' });
  manager = (await g.staffClient([{ role: 'catalog_manager', branchId: null }])).client;
  customer = g.newClient();
});
afterAll(async () => {
  await g.close();
});

describe('golden flow: staff catalog through @medyour/client', () => {
  it('creates a category tree, moves a category and refuses a cycle', async () => {
    const root = ok(await manager.POST('/v1/admin/categories', { body: buildCategory({ nameEn: `${stem} root` }) }));
    const child = ok(
      await manager.POST('/v1/admin/categories', {
        body: buildCategory({ nameEn: `${stem} child`, parentId: root.id }),
      }),
    );
    expect(child).toEqual({
      id: expect.any(String),
      parentId: root.id,
      nameEn: `${stem} child`,
      nameAr: expect.any(String),
    });

    const tree = await all(customer.paginate('/v1/categories', { query: { limit: 50 } }));
    const at = (id: string) => tree.findIndex((c) => c.id === id);
    expect(tree[at(root.id)]).toMatchObject({ parentId: null, depth: 0 });
    expect(tree[at(child.id)]).toMatchObject({ parentId: root.id, depth: 1 });
    expect(at(root.id)).toBeLessThan(at(child.id));

    const cycle = await refusal(
      manager.PATCH('/v1/admin/categories/{id}', { params: { path: { id: root.id } }, body: { parentId: child.id } }),
    );
    expect(cycle).toMatchObject({ status: 409, code: 'catalog/category-cycle' });
    const moved = ok(
      await manager.PATCH('/v1/admin/categories/{id}', {
        params: { path: { id: child.id } },
        body: { parentId: null },
      }),
    );
    expect(moved.parentId).toBeNull();

    const orphan = await refusal(
      manager.POST('/v1/admin/categories', { body: buildCategory({ parentId: randomUUID() }) }),
    );
    expect(orphan).toMatchObject({ status: 400, code: 'catalog/parent-not-found' });
    expect(orphan.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['parentId:not_found']);
  });

  it('creates, updates with a version, lists and reads a product; refuses stale and unauthorised writes', async () => {
    const category = ok(await manager.POST('/v1/admin/categories', { body: buildCategory() }));
    const input = buildProduct(category.id, { nameEn: `${stem} Augmentin`, rxRequired: true });
    const created = ok(await manager.POST('/v1/admin/products', { body: input }));
    expect(created).toMatchObject({ ...input, active: true, version: 1, images: [] });

    const updated = ok(
      await manager.PATCH('/v1/admin/products/{id}', {
        params: { path: { id: created.id } },
        body: { priceMinor: 9_999, version: 1 },
      }),
    );
    expect(updated).toMatchObject({ id: created.id, priceMinor: 9_999, version: 2, nameEn: input.nameEn });
    const stale = await refusal(
      manager.PATCH('/v1/admin/products/{id}', {
        params: { path: { id: created.id } },
        body: { priceMinor: 1, version: 1 },
      }),
    );
    expect(stale).toMatchObject({ status: 409, code: 'catalog/version-conflict' });

    const read = ok(await customer.GET('/v1/products/{id}', { params: { path: { id: created.id } } }));
    expect(read).toEqual(updated);
    const listed = await all(customer.products.list({ categoryId: category.id, limit: 1 }));
    expect(listed).toEqual([expect.objectContaining({ id: created.id, priceMinor: 9_999, rxRequired: true })]);
    expect(ok(await customer.GET('/v1/products', { params: { query: { q: stem, rx: false } } })).items).toEqual([]);

    const taken = await refusal(
      manager.POST('/v1/admin/products', { body: buildProduct(category.id, { barcode: input.barcode }) }),
    );
    expect(taken).toMatchObject({ status: 409, code: 'catalog/barcode-taken' });
    const forbidden = await refusal(customer.POST('/v1/admin/products', { body: buildProduct(category.id) }));
    expect(forbidden).toMatchObject({ status: 401, code: 'auth/unauthenticated' });
  });

  it('deactivates a product: it leaves the public catalog until it is reactivated', async () => {
    const category = ok(await manager.POST('/v1/admin/categories', { body: buildCategory() }));
    const product = ok(await manager.POST('/v1/admin/products', { body: buildProduct(category.id) }));
    const off = ok(await manager.DELETE('/v1/admin/products/{id}', { params: { path: { id: product.id } } }));
    expect(off).toMatchObject({ active: false, version: 2 });
    const gone = await refusal(customer.GET('/v1/products/{id}', { params: { path: { id: product.id } } }));
    expect(gone).toMatchObject({ status: 404, code: 'catalog/product-not-found' });
    expect(ok(await customer.GET('/v1/products', { params: { query: { categoryId: category.id } } })).items).toEqual(
      [],
    );

    const on = ok(
      await manager.PATCH('/v1/admin/products/{id}', { params: { path: { id: product.id } }, body: { active: true } }),
    );
    expect(on).toMatchObject({ active: true, version: 3 });
    expect(ok(await customer.GET('/v1/products/{id}', { params: { path: { id: product.id } } })).id).toBe(product.id);
  });

  it('imports products from CSV and reports each row', async () => {
    const category = ok(await manager.POST('/v1/admin/categories', { body: buildCategory() }));
    const row = buildProduct(category.id, { nameEn: `${stem} Imported` });
    const csv = [
      'nameEn,nameAr,ingredients,form,packSize,manufacturer,barcode,priceMinor,rxRequired,controlled,categoryId',
      `${row.nameEn},${row.nameAr},Paracetamol 500 mg,tablet,24 tablets,GSK,${row.barcode},1200,false,false,${category.id}`,
      `Broken,مكسور,Paracetamol 500 mg,tablet,24 tablets,GSK,123,1200,false,false,${category.id}`,
    ].join('\n');
    const report = ok(
      await manager.POST('/v1/admin/products/import', {
        body: csv,
        headers: { 'content-type': 'text/csv' },
        bodySerializer: (body) => body,
      }),
    );
    expect(report).toMatchObject({ created: 1, updated: 0, unchanged: 0, rejectedCount: 1 });
    expect(report.rejected).toEqual([expect.objectContaining({ line: 3 })]);
    const [imported] = ok(await customer.GET('/v1/products', { params: { query: { categoryId: category.id } } })).items;
    expect(imported).toMatchObject({ nameEn: row.nameEn, priceMinor: 1200 });
  });
});
