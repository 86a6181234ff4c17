import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, EMBEDDED, type TestApp } from '../setup/app.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { createBranch, receive } from '../factories/inventory.factory.js';
import { createOffer, insertCategory, insertProduct } from '../factories/offers.factory.js';

/** The cart's SQL on the embedded engine (PGlite, one connection): upserts, the category path, stock at a branch. */
describe('cart on PGlite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({
      ...EMBEDDED,
      SEED_DEMO: 'false',
      DELIVERY_FEE_MINOR: '1500',
      DELIVERY_FREE_ABOVE_MINOR: '0',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('fills, prices (category offer through an ancestor, stock at a branch) and empties a cart', async () => {
    expect(t.database.kind).toBe('pglite');
    const admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
    const customer = (await registerUser(t)).accessToken;
    const branch = await createBranch(t, admin);
    const parent = await insertCategory(t);
    const child = await insertCategory(t, { parentId: parent.id });
    const p = await insertProduct(t, { categoryId: child.id, priceMinor: 2000 });
    await receive(t, admin, branch.id, { productId: p.id, quantity: 4 });
    await createOffer(t, admin, { scope: 'category', categoryId: parent.id, value: 25 });

    const results = await Promise.all(
      [3, 1, 2].map((quantity) =>
        t.http.request('PUT', `/v1/cart/items/${p.id}`, { token: customer, body: { quantity } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const priced = await t.http.get(`/v1/cart?branchId=${branch.id}`, customer);
    expect(priced.body.items).toHaveLength(1);
    const { quantity } = priced.body.items[0];
    expect(priced.body).toMatchObject({
      subtotalMinor: 2000 * quantity,
      discountMinor: 500 * quantity,
      deliveryFeeMinor: 1500,
      totalMinor: 1500 * quantity + 1500,
      allAvailable: true,
    });
    expect(priced.body.items[0]).toMatchObject({ available: true, availableQuantity: 4 });
    const empty = await t.http.request('DELETE', '/v1/cart', { token: customer });
    expect(empty.body).toMatchObject({ items: [], totalMinor: 0 });
  });
});
