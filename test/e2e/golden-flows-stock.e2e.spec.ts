import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type MedyourClient } from '../../clients/typescript/src/index.js';
import { buildCategory, buildProduct } from '../factories/catalog.factory.js';
import { buildBranch, inDays } from '../factories/inventory.factory.js';
import { all, bootGolden, refusal, type Golden } from './support/golden.js';

/** Golden flow: stock arrives at branches, moves between them, and customers see where a product is. */
let g: Golden;
let admin: MedyourClient;
let manager: MedyourClient;
let customer: MedyourClient;
/** A point no other spec uses: every branch near it is this spec's own. */
const here = { lat: -38.2 + Math.random(), lng: 60.4 + Math.random() };
const ingredient = `Goldamycin ${randomUUID().slice(0, 6)}`;
const ids = { near: '', far: '', brand: '', generic: '', stronger: '' };

beforeAll(async () => {
  g = await bootGolden({ SEARCH_CACHE_TTL_SECONDS: '0' });
  admin = (await g.staffClient([{ role: 'admin', branchId: null }])).client;
  for (const [key, km] of [
    ['near', 1],
    ['far', 11],
  ] as const) {
    const body = buildBranch({ lat: here.lat + km / 111, lng: here.lng, deliveryRadiusKm: 5 });
    ids[key] = ok(await admin.POST('/v1/admin/branches', { body })).id;
  }
  manager = (await g.staffClient([{ role: 'branch_manager', branchId: ids.near }])).client;
  customer = g.newClient();
  const categoryId = ok(await admin.POST('/v1/admin/categories', { body: buildCategory() })).id;
  const products = [
    ['brand', '250 mg', 9_000],
    ['generic', '250 mg', 4_000],
    ['stronger', '500 mg', 3_000],
  ] as const;
  for (const [key, strength, priceMinor] of products) {
    const body = buildProduct(categoryId, { ingredients: [{ name: ingredient, strength }], priceMinor });
    ids[key] = ok(await admin.POST('/v1/admin/products', { body })).id;
  }
});
afterAll(async () => {
  await g.close();
});

const receive = (
  client: MedyourClient,
  branchId: string,
  body: { productId: string; quantity: number },
  key?: string,
) =>
  client.POST('/v1/admin/branches/{id}/stock/receive', {
    params: { path: { id: branchId }, header: key ? { 'Idempotency-Key': key } : undefined },
    body: { lotNumber: 'GOLD-1', expiresOn: inDays(365), ...body },
  });

describe('golden flow: stock through @medyour/client', () => {
  it('receives lots once per Idempotency-Key, at the manager’s own branch only', async () => {
    const key = `receive-${randomUUID()}`;
    const first = ok(await receive(manager, ids.near, { productId: ids.generic, quantity: 5 }, key));
    expect(first).toMatchObject({ branchId: ids.near, lotNumber: 'GOLD-1', onHand: 5, available: 5, sellable: true });
    const replay = ok(await receive(manager, ids.near, { productId: ids.generic, quantity: 5 }, key));
    expect(replay).toEqual(first);
    const reused = await refusal(receive(manager, ids.near, { productId: ids.generic, quantity: 6 }, key));
    expect(reused).toMatchObject({ status: 409, code: 'common/idempotency-key-reused' });

    const otherExpiry = await refusal(
      manager.POST('/v1/admin/branches/{id}/stock/receive', {
        params: { path: { id: ids.near } },
        body: { productId: ids.generic, lotNumber: 'GOLD-1', expiresOn: inDays(400), quantity: 1 },
      }),
    );
    expect(otherExpiry).toMatchObject({ status: 409, code: 'inventory/lot-expiry-mismatch' });
    const elsewhere = await refusal(receive(manager, ids.far, { productId: ids.generic, quantity: 1 }));
    expect(elsewhere).toMatchObject({ status: 403, code: 'inventory/not-your-branch' });
    ok(await receive(admin, ids.far, { productId: ids.brand, quantity: 7 }));

    const lots = await all(manager.paginate('/v1/admin/branches/{id}/stock', { path: { id: ids.near } }));
    expect(lots.map((l) => [l.productId, l.lotNumber, l.onHand])).toEqual([[ids.generic, 'GOLD-1', 5]]);
  });

  it('adjusts and transfers; availability follows, nearest branch first', async () => {
    const adjusted = ok(
      await manager.POST('/v1/admin/branches/{id}/stock/adjust', {
        params: { path: { id: ids.near } },
        body: { productId: ids.generic, lotNumber: 'GOLD-1', delta: -1, reason: 'damaged box' },
      }),
    );
    expect(adjusted.onHand).toBe(4);
    const moved = ok(
      await manager.POST('/v1/admin/branches/{id}/stock/transfer', {
        params: { path: { id: ids.near } },
        body: { toBranchId: ids.far, productId: ids.generic, lotNumber: 'GOLD-1', quantity: 3 },
      }),
    );
    expect([moved.from.onHand, moved.to.onHand, moved.to.branchId]).toEqual([1, 3, ids.far]);
    const tooMany = await refusal(
      manager.POST('/v1/admin/branches/{id}/stock/transfer', {
        params: { path: { id: ids.near } },
        body: { toBranchId: ids.far, productId: ids.generic, lotNumber: 'GOLD-1', quantity: 2 },
      }),
    );
    expect(tooMany).toMatchObject({ status: 409, code: 'inventory/insufficient-stock' });

    const availability = ok(
      await customer.GET('/v1/products/{id}/availability', {
        params: { path: { id: ids.generic }, query: { lat: here.lat, lng: here.lng } },
      }),
    );
    expect(availability.items.map((i) => [i.branchId, i.quantity])).toEqual([
      [ids.near, 1],
      [ids.far, 3],
    ]);
    expect(availability.items[0].distanceKm).toBeCloseTo(1, 0);

    const movements = await all(admin.paginate('/v1/admin/products/{id}/movements', { path: { id: ids.generic } }));
    expect(movements.map((m) => [m.type, m.onHandDelta])).toEqual([
      ['transferred_in', 3],
      ['transferred_out', -3],
      ['adjusted', -1],
      ['received', 5],
    ]);
  });

  it('lists substitutes with the same ingredients, strength and form, and says which are in stock nearby', async () => {
    const subs = await all(
      customer.paginate('/v1/products/{id}/substitutes', {
        path: { id: ids.brand },
        query: { lat: here.lat, lng: here.lng, limit: 1 },
      }),
    );
    expect(subs.map((s) => s.id)).toEqual([ids.generic]);
    expect(subs[0]).toMatchObject({ priceDifferenceMinor: -5_000, inStock: true, inStockNearby: true });
    expect(subs[0].nearestBranchKm).toBeCloseTo(1, 0);
    const missing = await refusal(
      customer.GET('/v1/products/{id}/substitutes', { params: { path: { id: randomUUID() } } }),
    );
    expect(missing).toMatchObject({ status: 404, code: 'catalog/product-not-found' });
  });
});
