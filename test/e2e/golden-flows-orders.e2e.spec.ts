import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type MedyourClient } from '../../clients/typescript/src/index.js';
import { buildCategory, buildProduct } from '../factories/catalog.factory.js';
import { quietAutomaticOffers } from '../factories/cart.factory.js';
import { buildBranch, inDays } from '../factories/inventory.factory.js';
import { creditWallet } from '../factories/payments.factory.js';
import { PASSWORD } from '../factories/user.factory.js';
import { bootGolden, refusal, type Golden } from './support/golden.js';

/** Golden flow: an OTC delivery paid by wallet, and a COD pickup, checked out through @medyour/client. */
let g: Golden;
let admin: MedyourClient;
let customer: MedyourClient;
const ids = { branch: '', otc: '', customer: '' };
/**
 * A point no other spec uses: checkout picks among the nearest branches, and the suite's database holds
 * thousands at the factories' default point.
 */
const here = { lat: -25 - Math.random() * 5, lng: 125 + Math.random() * 5 };

beforeAll(async () => {
  g = await bootGolden({ DELIVERY_FEE_MINOR: '2000', DELIVERY_FREE_ABOVE_MINOR: '0', DELIVERY_FEE_PER_KM_MINOR: '0' });
  await quietAutomaticOffers(g.t);
  admin = (await g.staffClient([{ role: 'admin', branchId: null }])).client;
  ids.branch = ok(await admin.POST('/v1/admin/branches', { body: buildBranch({ deliveryRadiusKm: 8, ...here }) })).id;
  const categoryId = ok(await admin.POST('/v1/admin/categories', { body: buildCategory() })).id;
  ids.otc = ok(await admin.POST('/v1/admin/products', { body: buildProduct(categoryId, { priceMinor: 5000 }) })).id;
  ok(
    await admin.POST('/v1/admin/branches/{id}/stock/receive', {
      params: { path: { id: ids.branch } },
      body: { productId: ids.otc, lotNumber: 'ORD-1', expiresOn: inDays(365), quantity: 5 },
    }),
  );
  customer = g.newClient();
  const registered = ok(
    await customer.POST('/v1/auth/register', {
      body: { name: 'Order Shopper', email: `orders-${randomUUID().slice(0, 8)}@example.com`, password: PASSWORD },
    }),
  );
  ids.customer = registered.user.id;
});
afterAll(async () => {
  await g.close();
});

const setItem = (productId: string, quantity: number) =>
  customer.PUT('/v1/cart/items/{productId}', { params: { path: { productId } }, body: { quantity } });
const key = () => ({ 'Idempotency-Key': `golden-${randomUUID()}` });

describe('golden flow: checkout through @medyour/client', () => {
  it('places an OTC delivery paid by wallet, once per key, and reads it back', async () => {
    await creditWallet(g.t, ids.customer, 20_000);
    ok(await setItem(ids.otc, 2));
    const header = key();
    const body = {
      fulfilment: 'delivery' as const,
      paymentMethod: 'wallet' as const,
      address: { lat: here.lat + 0.005, lng: here.lng, line1: '5 Nile Corniche', city: 'Cairo' },
    };
    const order = ok(await customer.POST('/v1/orders', { params: { header }, body }));
    expect(order).toMatchObject({
      status: 'confirmed',
      branchId: ids.branch,
      paymentMethod: 'wallet',
      subtotalMinor: 10_000,
      deliveryFeeMinor: 2000,
      totalMinor: 12_000,
      lines: [{ productId: ids.otc, quantity: 2, unitPriceMinor: 5000 }],
    });
    // The same key again answers the same order; nothing is charged twice.
    expect(ok(await customer.POST('/v1/orders', { params: { header }, body })).id).toBe(order.id);
    expect(ok(await customer.GET('/v1/wallet', {})).balanceMinor).toBe(8000);
    expect(ok(await customer.GET('/v1/orders/{id}', { params: { path: { id: order.id } } }))).toEqual(order);
    expect(ok(await customer.GET('/v1/orders', {})).items.map((o) => o.id)).toEqual([order.id]);
    expect(ok(await customer.GET('/v1/cart', {})).items).toEqual([]);
  });

  it('places a COD pickup, and refuses more than the branch holds', async () => {
    ok(await setItem(ids.otc, 4));
    const body = { branchId: ids.branch, fulfilment: 'pickup' as const, paymentMethod: 'cod' as const };
    expect(await refusal(customer.POST('/v1/orders', { params: { header: key() }, body }))).toMatchObject({
      status: 409,
      code: 'inventory/insufficient-stock',
    });
    ok(await setItem(ids.otc, 2));
    const order = ok(await customer.POST('/v1/orders', { params: { header: key() }, body }));
    expect(order).toMatchObject({ status: 'confirmed', paymentMethod: 'cod', totalMinor: 10_000, address: null });
    const staff = ok(
      await admin.GET('/v1/admin/orders', { params: { query: { branchId: ids.branch, status: 'confirmed' } } }),
    );
    expect(staff.items.map((o) => o.id)).toContain(order.id);
  });

  it('cancels a wallet order back into the wallet, and staff complete a COD pickup', async () => {
    ok(await setItem(ids.otc, 1));
    const paid = ok(
      await customer.POST('/v1/orders', {
        params: { header: key() },
        body: { branchId: ids.branch, fulfilment: 'pickup', paymentMethod: 'wallet' },
      }),
    );
    expect(ok(await customer.GET('/v1/wallet', {})).balanceMinor).toBe(3000);
    const cancelled = ok(
      await customer.POST('/v1/orders/{id}/cancel', { params: { path: { id: paid.id } }, body: { reason: 'mistake' } }),
    );
    expect(cancelled.status).toBe('cancelled');
    expect(ok(await customer.GET('/v1/wallet', {})).balanceMinor).toBe(8000);

    const cod = ok(await customer.GET('/v1/orders', {})).items.find((o) => o.paymentMethod === 'cod')!;
    for (const to of ['preparing', 'ready', 'completed'] as const) {
      const moved = ok(
        await admin.POST('/v1/admin/orders/{id}/transition', { params: { path: { id: cod.id } }, body: { to } }),
      );
      expect(moved.status).toBe(to);
    }
    expect(
      await refusal(customer.POST('/v1/orders/{id}/cancel', { params: { path: { id: cod.id } }, body: {} })),
    ).toMatchObject({ status: 409, code: 'common/illegal-transition' });
    // The completed order earned its points: 1 per 100 minor units of its goods by default.
    const points = ok(await customer.GET('/v1/loyalty', {}));
    expect(points).toMatchObject({ balance: 100, nextExpiry: { points: 100 } });
    expect(points.history.items[0]).toMatchObject({ kind: 'loyalty.earn', points: 100, orderId: cod.id });
  });

  it('spends the points at the next checkout, within the cart’s cap', async () => {
    ok(await setItem(ids.otc, 1));
    const cart = ok(
      await customer.GET('/v1/cart', { params: { query: { branchId: ids.branch, fulfilment: 'pickup' } } }),
    );
    // Half the goods by default: 2500 points of 1 minor unit; the customer holds 100.
    expect(cart).toMatchObject({ pointsBalance: 100, pointsCap: 2500, pointsRedeemable: 100, totalMinor: 5000 });
    const body = {
      branchId: ids.branch,
      fulfilment: 'pickup' as const,
      paymentMethod: 'cod' as const,
      pointsToRedeem: 100,
    };
    const order = ok(await customer.POST('/v1/orders', { params: { header: key() }, body }));
    expect(order).toMatchObject({ pointsRedeemed: 100, pointsValueMinor: 100, totalMinor: 4900 });
    expect(ok(await customer.GET('/v1/loyalty', {}))).toMatchObject({ balance: 0, nextExpiry: null });
  });
});
