import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type MedyourClient } from '../../clients/typescript/src/index.js';
import { buildCategory, buildProduct } from '../factories/catalog.factory.js';
import { quietAutomaticOffers } from '../factories/cart.factory.js';
import { buildBranch, inDays } from '../factories/inventory.factory.js';
import { uniqueCoupon } from '../factories/offers.factory.js';
import { PASSWORD } from '../factories/user.factory.js';
import { bootGolden, refusal, type Golden } from './support/golden.js';

/** Golden flow: a customer fills a cart, prices it at a branch, enters a coupon and empties it, through @medyour/client. */
let g: Golden;
let admin: MedyourClient;
let customer: MedyourClient;
const ids = { branch: '', otc: '', rx: '', couponOffer: '' };
const code = uniqueCoupon('Cart');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

beforeAll(async () => {
  g = await bootGolden({ DELIVERY_FEE_MINOR: '2000', DELIVERY_FREE_ABOVE_MINOR: '100000' });
  await quietAutomaticOffers(g.t);
  admin = (await g.staffClient([{ role: 'admin', branchId: null }])).client;
  ids.branch = ok(await admin.POST('/v1/admin/branches', { body: buildBranch({ deliveryRadiusKm: 8 }) })).id;
  const categoryId = ok(await admin.POST('/v1/admin/categories', { body: buildCategory() })).id;
  ids.otc = ok(await admin.POST('/v1/admin/products', { body: buildProduct(categoryId, { priceMinor: 12_000 }) })).id;
  ids.rx = ok(
    await admin.POST('/v1/admin/products', { body: buildProduct(categoryId, { priceMinor: 8000, rxRequired: true }) }),
  ).id;
  ok(
    await admin.POST('/v1/admin/branches/{id}/stock/receive', {
      params: { path: { id: ids.branch } },
      body: { productId: ids.otc, lotNumber: 'CART-1', expiresOn: inDays(365), quantity: 5 },
    }),
  );
  const offer = (body: Record<string, unknown>) =>
    admin.POST('/v1/admin/offers', {
      body: {
        nameEn: `Cart ${code}`,
        nameAr: 'عرض',
        kind: 'percentage',
        value: 10,
        scope: 'cart',
        startsAt: at(-1),
        endsAt: at(24),
        ...body,
      },
    });
  ok(await offer({ scope: 'product', productId: ids.otc }));
  ids.couponOffer = ok(await offer({ kind: 'fixed', value: 3000, couponCode: code })).offer.id;
  customer = g.newClient();
  ok(
    await customer.POST('/v1/auth/register', {
      body: { name: 'Cart Shopper', email: `${code.toLowerCase()}@example.com`, password: PASSWORD },
    }),
  );
});
afterAll(async () => {
  await g.close();
});

const setItem = (productId: string, quantity: number) =>
  customer.PUT('/v1/cart/items/{productId}', { params: { path: { productId } }, body: { quantity } });

describe('golden flow: cart through @medyour/client', () => {
  it('fills the cart and prices it at a branch, for pickup and for delivery', async () => {
    ok(await setItem(ids.otc, 1));
    const set = ok(await setItem(ids.otc, 2));
    expect(set.items).toMatchObject([{ productId: ids.otc, quantity: 2, unitPriceMinor: 12_000 }]);
    ok(await setItem(ids.rx, 1));

    const pickup = ok(
      await customer.GET('/v1/cart', { params: { query: { branchId: ids.branch, fulfilment: 'pickup' } } }),
    );
    expect(pickup).toMatchObject({
      subtotalMinor: 32_000,
      // 10 % of the OTC line only: no offer touches the Rx-only line.
      discountMinor: 2400,
      deliveryFeeMinor: 0,
      totalMinor: 29_600,
      needsPrescription: true,
      allAvailable: false,
      currency: 'EGP',
    });
    expect(pickup.items.map((i) => [i.productId, i.available, i.availableQuantity, i.discountMinor])).toEqual([
      [ids.otc, true, 5, 2400],
      [ids.rx, false, 0, 0],
    ]);

    const delivery = ok(
      await customer.GET('/v1/cart', { params: { query: { branchId: ids.branch, lat: 30.06, lng: 31.2357 } } }),
    );
    expect(delivery).toMatchObject({ fulfilment: 'delivery', deliveryFeeMinor: 2000, withinDeliveryRadius: true });
    expect(delivery.totalMinor).toBe(29_600 + 2000);
  });

  it('takes a coupon when the offers module accepts it, and says no otherwise', async () => {
    const applied = ok(await customer.POST('/v1/cart/coupon', { body: { code: code.toLowerCase() } }));
    expect(applied.coupon).toEqual({ code: code.toUpperCase(), valid: true });
    expect(applied).toMatchObject({ discountMinor: 3000, offer: { id: ids.couponOffer } });

    const unknown = await refusal(customer.POST('/v1/cart/coupon', { body: { code: 'NOT-A-REAL-CODE' } }));
    expect(unknown).toMatchObject({ status: 400, code: 'offers/unknown-coupon' });
    expect(ok(await customer.GET('/v1/cart')).coupon?.code).toBe(code.toUpperCase());

    const dropped = ok(await customer.DELETE('/v1/cart/coupon'));
    expect(dropped).toMatchObject({ coupon: null, discountMinor: 2400 });
  });

  it('refuses bad quantities and unknown products, then removes a line and empties the cart', async () => {
    const zero = await refusal(setItem(ids.otc, 0));
    expect(zero).toMatchObject({ status: 400, code: 'common/validation-failed' });
    expect(zero.errors.map((e) => e.field)).toContain('quantity');
    const unknown = await refusal(setItem('0190a0c8-0000-7000-8000-00000000dead', 1));
    expect(unknown).toMatchObject({ status: 404, code: 'catalog/product-not-found' });

    const removed = ok(
      await customer.DELETE('/v1/cart/items/{productId}', { params: { path: { productId: ids.rx } } }),
    );
    expect(removed.items.map((i) => i.productId)).toEqual([ids.otc]);
    expect(removed.needsPrescription).toBe(false);
    const gone = await refusal(
      customer.DELETE('/v1/cart/items/{productId}', { params: { path: { productId: ids.rx } } }),
    );
    expect(gone).toMatchObject({ status: 404, code: 'cart/item-not-found' });

    const empty = ok(await customer.DELETE('/v1/cart'));
    expect(empty).toMatchObject({ items: [], coupon: null, totalMinor: 0 });
  });
});
