import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, EMBEDDED, type TestApp } from '../setup/app.js';
import { createStaff } from '../factories/user.factory.js';
import { createCategory, createProduct, uniqueGtin } from '../factories/catalog.factory.js';
import { createBranch, receive } from '../factories/inventory.factory.js';

/** The embedded mode (`npm start`: PGlite, no Redis) runs the same catalog and search SQL as PostgreSQL. */
let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await bootTestApp({ ...EMBEDDED });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('catalog and search on PGlite', () => {
  it('creates, imports, updates, searches (prefix, typo, Arabic) and finds substitutes in stock nearby', async () => {
    expect(t.database.kind).toBe('pglite');
    const parent = await createCategory(t, admin, { nameEn: 'Antibiotics', nameAr: 'مضادات حيوية' });
    const category = await createCategory(t, admin, { parentId: parent.id });
    expect((await t.http.patch(`/v1/admin/categories/${parent.id}`, { parentId: category.id }, admin)).status).toBe(
      409,
    );
    const brand = await createProduct(t, admin, category.id, {
      nameEn: 'Augmentin 1 g',
      nameAr: 'أوجمنتين',
      ingredients: [
        { name: 'Amoxicillin', strength: '875 mg' },
        { name: 'Clavulanic acid', strength: '125 mg' },
      ],
      rxRequired: true,
    });
    const csv =
      'nameEn,nameAr,ingredients,form,packSize,manufacturer,barcode,category,priceMinor,rxRequired,controlled\n' +
      `Hibiotic 1 g,هايبيوتك,Amoxicillin 875 mg; Clavulanic acid 125 mg,tablet,14 tablets,Amoun,${uniqueGtin()},Antibiotics,7000,true,false\n` +
      `Bad,سيئ,Amoxicillin,tablet,14 tablets,Amoun,${uniqueGtin()},Antibiotics,7000,true,false\n`;
    const imported = await t.http.request('POST', '/v1/admin/products/import', {
      raw: csv,
      token: admin,
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.body).toMatchObject({ created: 1, rejectedCount: 1 });
    const hibiotic = (await t.http.get('/v1/products?q=hibio')).body.items[0];
    expect(hibiotic.nameEn).toBe('Hibiotic 1 g');

    expect((await t.http.patch(`/v1/admin/products/${brand.id}`, { priceMinor: 9000, version: 1 }, admin)).status).toBe(
      200,
    );
    expect((await t.http.patch(`/v1/admin/products/${brand.id}`, { priceMinor: 1, version: 1 }, admin)).status).toBe(
      409,
    );
    for (const q of ['aug', 'augmentn', 'اوجمنتين']) {
      const ids = (await t.http.get(`/v1/products?q=${encodeURIComponent(q)}`)).body.items.map(
        (i: { id: string }) => i.id,
      );
      expect(ids, q).toContain(brand.id);
    }
    const branch = await createBranch(t, admin, { lat: 30.0444, lng: 31.2357 });
    await receive(t, admin, branch.id, { productId: hibiotic.id, quantity: 2 });
    const subs = await t.http.get(`/v1/products/${brand.id}/substitutes?lat=30.05&lng=31.24`);
    expect(subs.body.items).toEqual([
      expect.objectContaining({ id: hibiotic.id, priceDifferenceMinor: -2000, inStock: true, inStockNearby: true }),
    ]);
    expect((await t.http.get(`/v1/products?categoryId=${parent.id}&inStockAt=${branch.id}`)).body.items).toHaveLength(
      1,
    );
    expect((await t.http.get('/v1/search?q=hibiotic')).body.products).toHaveLength(1);
    expect((await t.http.get('/v1/categories')).body.items.map((c: { depth: number }) => c.depth)).toEqual([0, 1]);
  });
});
