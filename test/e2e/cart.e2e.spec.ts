import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CartPricingService, CartService } from '../../src/modules/cart/index.js';
import { InventoryService } from '../../src/modules/inventory/index.js';
import { OfferRedemptionsService } from '../../src/modules/offers/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { quietAutomaticOffers, storedCart } from '../factories/cart.factory.js';
import { createBranch, inDays, insertLot, receive, type BranchBody } from '../factories/inventory.factory.js';
import { createOffer, insertCategory, insertProduct, uniqueCoupon } from '../factories/offers.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

const HOUR = 3_600_000;
const MISSING = '0190a0c8-0000-7000-8000-00000000dead';
const MAX_QUANTITY = 20;
const MAX_LINES = 4;
const FEE = 2500;
const FREE_FROM = 50_000;

let t: TestApp;
let admin: string;
let branch: BranchBody;
beforeAll(async () => {
  t = await bootTestApp({
    CART_MAX_QUANTITY: String(MAX_QUANTITY),
    CART_MAX_LINES: String(MAX_LINES),
    DELIVERY_FEE_MINOR: String(FEE),
    DELIVERY_FREE_ABOVE_MINOR: String(FREE_FROM),
    DELIVERY_FEE_PER_KM_MINOR: '0',
    DATABASE_POOL_MAX: '12',
  });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  branch = await createBranch(t, admin);
  await quietAutomaticOffers(t);
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
});

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (method: Method, url: string, token: string, body?: unknown, headers?: Record<string, string>) =>
  t.http.request(method, url, { token, body, headers });
const put = (token: string, productId: string, quantity: unknown) =>
  call('PUT', `/v1/cart/items/${productId}`, token, { quantity });

async function customer() {
  const u = await registerUser(t);
  return { token: u.accessToken, id: u.user.id };
}

/** Takes a product off sale as staff do (the catalog's cache forgets it). */
async function deactivate(id: string) {
  expect((await call('DELETE', `/v1/admin/products/${id}`, admin)).status).toBe(200);
}

/** A product of its own category (price and flags as given), written straight to the catalog's table. */
async function product(overrides: Parameters<typeof insertProduct>[1] = {}) {
  return insertProduct(t, { priceMinor: 4550, ...overrides });
}

describe('cart: access', () => {
  it('answers 401 to anonymous callers of every cart route', async () => {
    const p = await product();
    const calls: [Method, string, unknown?][] = [
      ['GET', '/v1/cart'],
      ['PUT', `/v1/cart/items/${p.id}`, { quantity: 1 }],
      ['DELETE', `/v1/cart/items/${p.id}`],
      ['POST', '/v1/cart/coupon', { code: 'ANYCODE' }],
      ['DELETE', '/v1/cart/coupon'],
      ['DELETE', '/v1/cart'],
    ];
    for (const [method, url, body] of calls) {
      const res = await t.http.request(method, url, { body });
      expect(res.status, `${method} ${url}`).toBe(401);
      expect(res.body.code).toBe('auth/unauthenticated');
    }
  });
});

describe('cart: lines', () => {
  it('starts empty: nothing to pay, no coupon, no stamp', async () => {
    const c = await customer();
    const res = await call('GET', '/v1/cart', c.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [],
      coupon: null,
      offer: null,
      subtotalMinor: 0,
      discountMinor: 0,
      deliveryFeeMinor: 0,
      pointsBalance: 0,
      pointsCap: 0,
      pointsRedeemable: 0,
      pointsRedeemableMinor: 0,
      totalMinor: 0,
      needsPrescription: false,
      branchId: null,
      fulfilment: 'delivery',
      allAvailable: null,
      deliveryDistanceKm: null,
      withinDeliveryRadius: null,
      currency: 'EGP',
      updatedAt: null,
    });
  });

  it('adds, sets and removes lines (one row per product), priced from the catalog', async () => {
    const c = await customer();
    const a = await product({ priceMinor: 4550, images: [randomUUID()] });
    const b = await product({ priceMinor: 1200 });
    const first = await put(c.token, a.id, 2);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      {
        productId: a.id,
        nameEn: a.nameEn,
        nameAr: a.nameAr,
        image: a.images[0],
        quantity: 2,
        unitPriceMinor: 4550,
        lineTotalMinor: 9100,
        discountMinor: 0,
        rxRequired: false,
        controlled: false,
        discontinued: false,
        available: null,
        availableQuantity: null,
        prescriptionLineId: null,
        addedAt: expect.any(String),
      },
    ]);
    expect(first.body).toMatchObject({ subtotalMinor: 9100, deliveryFeeMinor: FEE, totalMinor: 9100 + FEE });
    expect(first.body.updatedAt).not.toBeNull();

    // The quantity is set, not added; the line keeps its place.
    await put(c.token, b.id, 1);
    const set = await put(c.token, a.id, 5);
    expect(set.body.items.map((i: { productId: string; quantity: number }) => [i.productId, i.quantity])).toEqual([
      [a.id, 5],
      [b.id, 1],
    ]);
    expect(set.body.subtotalMinor).toBe(5 * 4550 + 1200);
    expect((await storedCart(t, c.id)).items).toEqual([
      { product_id: a.id, quantity: 5 },
      { product_id: b.id, quantity: 1 },
    ]);

    const removed = await call('DELETE', `/v1/cart/items/${a.id}`, c.token);
    expect(removed.status).toBe(200);
    expect(removed.body.items.map((i: { productId: string }) => i.productId)).toEqual([b.id]);
    const again = await call('DELETE', `/v1/cart/items/${a.id}`, c.token);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('cart/item-not-found');
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await call('DELETE', `/v1/cart/items/${a.id}`, (await customer()).token)).body.code).toBe(
      'cart/item-not-found',
    );
  });

  it('always prices with the catalog price of now, never a price the client sends', async () => {
    const c = await customer();
    const p = await product({ priceMinor: 3000 });
    await put(c.token, p.id, 2);
    const sneaky = await call('PUT', `/v1/cart/items/${p.id}`, c.token, { quantity: 2, unitPriceMinor: 1 });
    expect(sneaky.status).toBe(400);
    await t.database.db.execute(sql`update products set price_minor = 3500 where id = ${p.id}`);
    const res = await call('GET', '/v1/cart', c.token);
    expect(res.body.items[0]).toMatchObject({ unitPriceMinor: 3500, lineTotalMinor: 7000 });
    expect(res.body.subtotalMinor).toBe(7000);
  });

  it('answers bad input with 400 problem+json naming the field, and changes nothing', async () => {
    const c = await customer();
    const p = await product();
    await put(c.token, p.id, 3);
    const before = await storedCart(t, c.id);
    const cases: [unknown, string, string][] = [
      [{ quantity: 0 }, 'quantity', 'common/validation-failed'],
      [{ quantity: -1 }, 'quantity', 'common/validation-failed'],
      [{ quantity: 1.5 }, 'quantity', 'common/validation-failed'],
      [{ quantity: '2' }, 'quantity', 'common/validation-failed'],
      [{ quantity: 1001 }, 'quantity', 'common/validation-failed'],
      [{ quantity: MAX_QUANTITY + 1 }, 'quantity', 'cart/quantity-limit'],
      [{}, 'quantity', 'common/validation-failed'],
      [{ quantity: 1, note: 'x' }, 'note', 'common/validation-failed'],
      [[1], '', 'common/validation-failed'],
    ];
    for (const [body, field, code] of cases) {
      const res = await call('PUT', `/v1/cart/items/${p.id}`, c.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code, JSON.stringify(body)).toBe(code);
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const badId = await put(c.token, 'not-a-uuid', 1);
    expect(badId.status).toBe(400);
    const coupon = await call('POST', '/v1/cart/coupon', c.token, { code: 'no spaces!' });
    expect(coupon.status).toBe(400);
    expect(coupon.body.errors[0].field).toBe('code');
    expect((await call('POST', '/v1/cart/coupon', c.token, { code: 'GOODCODE', extra: 1 })).status).toBe(400);
    const query = await call('GET', `/v1/cart?lat=30.1`, c.token);
    expect(query.status).toBe(400);
    expect(query.body.errors[0].field).toBe('lng');
    expect((await call('GET', `/v1/cart?fulfilment=drone`, c.token)).status).toBe(400);
    expect((await call('GET', `/v1/cart?branchId=nope`, c.token)).status).toBe(400);
    const ar = await call(
      'PUT',
      `/v1/cart/items/${p.id}`,
      c.token,
      { quantity: MAX_QUANTITY + 1 },
      {
        'accept-language': 'ar',
      },
    );
    expect(ar.body.detail).toBe('هذه الكمية من المنتج الواحد أكبر مما تسمح به سلة التسوق');
    expect(await storedCart(t, c.id)).toEqual(before);
  });

  it('answers an unknown or inactive product with the catalog 404, and changes nothing', async () => {
    const c = await customer();
    const inactive = await product({ active: false });
    for (const id of [MISSING, inactive.id]) {
      const res = await put(c.token, id, 1);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('catalog/product-not-found');
    }
    expect(await storedCart(t, c.id)).toEqual({ cart: [], items: [] });
  });

  it(`holds at most ${MAX_LINES} different products; changing a line that is there still works`, async () => {
    const c = await customer();
    const ps = await Promise.all(Array.from({ length: MAX_LINES + 1 }, () => product()));
    for (const p of ps.slice(0, MAX_LINES)) expect((await put(c.token, p.id, 1)).status).toBe(200);
    const over = await put(c.token, ps[MAX_LINES].id, 1);
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('cart/too-many-lines');
    expect((await put(c.token, ps[0].id, 7)).status).toBe(200);
    expect((await storedCart(t, c.id)).items).toHaveLength(MAX_LINES);
  });

  it('marks Rx-only and controlled lines, and says the cart needs a prescription', async () => {
    const c = await customer();
    const otc = await product();
    await put(c.token, otc.id, 1);
    expect((await call('GET', '/v1/cart', c.token)).body.needsPrescription).toBe(false);
    const rx = await product({ rxRequired: true });
    const controlled = await product({ rxRequired: true, controlled: true });
    await put(c.token, rx.id, 1);
    const res = await put(c.token, controlled.id, 1);
    expect(res.body.needsPrescription).toBe(true);
    expect(
      res.body.items.map((i: { rxRequired: boolean; controlled: boolean }) => [i.rxRequired, i.controlled]),
    ).toEqual([
      [false, false],
      [true, false],
      [true, true],
    ]);
  });

  it('keeps a line whose product left the catalog, unpriced and unavailable', async () => {
    const c = await customer();
    const keep = await product({ priceMinor: 1000 });
    const gone = await product({ priceMinor: 9000 });
    await put(c.token, keep.id, 1);
    await put(c.token, gone.id, 2);
    await deactivate(gone.id);
    const res = await call('GET', `/v1/cart?branchId=${branch.id}`, c.token);
    const line = res.body.items.find((i: { productId: string }) => i.productId === gone.id);
    expect(line).toMatchObject({ discontinued: true, lineTotalMinor: 0, available: false, unitPriceMinor: 9000 });
    expect(res.body).toMatchObject({ subtotalMinor: 1000, totalMinor: 1000 + FEE, allAvailable: false });
    // It can still be taken out; it cannot be put back.
    expect((await put(c.token, gone.id, 1)).status).toBe(404);
    expect((await call('DELETE', `/v1/cart/items/${gone.id}`, c.token)).status).toBe(200);
  });

  it('empties the cart (lines and coupon) with DELETE /v1/cart, and again without error', async () => {
    const c = await customer();
    const p = await product();
    const code = uniqueCoupon('Clear');
    await createOffer(t, admin, { couponCode: code, scope: 'product', productId: p.id });
    await put(c.token, p.id, 2);
    expect((await call('POST', '/v1/cart/coupon', c.token, { code })).status).toBe(200);
    const cleared = await call('DELETE', '/v1/cart', c.token);
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ items: [], coupon: null, totalMinor: 0 });
    expect(await storedCart(t, c.id)).toEqual({ cart: [{ coupon_code: null }], items: [] });
    expect((await call('DELETE', '/v1/cart', (await customer()).token)).status).toBe(200);
  });
});

describe('cart: offers and coupons', () => {
  it('applies the best offer line by line: product, category (ancestor too), never on restricted lines', async () => {
    const c = await customer();
    const parent = await insertCategory(t);
    const child = await insertCategory(t, { parentId: parent.id });
    const a = await product({ priceMinor: 10_000 });
    const b = await product({ priceMinor: 4000, categoryId: child.id });
    const rx = await product({ priceMinor: 6000, rxRequired: true, categoryId: child.id });
    await createOffer(t, admin, { scope: 'product', productId: a.id, value: 15 });
    await createOffer(t, admin, { scope: 'category', categoryId: parent.id, kind: 'fixed', value: 500 });
    await put(c.token, a.id, 1);
    const onA = await put(c.token, b.id, 1);
    // One offer per cart: 15 % of A (1500) beats 500 off the category.
    expect(onA.body.discountMinor).toBe(1500);
    expect(onA.body.offer).toMatchObject({ scope: 'product', value: 15 });
    expect(onA.body.items.map((i: { discountMinor: number }) => i.discountMinor)).toEqual([1500, 0]);
    expect(onA.body.totalMinor).toBe(14_000 - 1500 + FEE);

    await call('DELETE', `/v1/cart/items/${a.id}`, c.token);
    await put(c.token, rx.id, 1);
    const onCategory = await call('GET', '/v1/cart', c.token);
    // The category offer on the parent covers B (a child's product), not the Rx-only line beside it.
    expect(onCategory.body.offer).toMatchObject({ scope: 'category', kind: 'fixed', value: 500 });
    expect(onCategory.body.items.map((i: { productId: string; discountMinor: number }) => i.discountMinor)).toEqual([
      500, 0,
    ]);
    expect(onCategory.body).toMatchObject({ subtotalMinor: 10_000, discountMinor: 500, needsPrescription: true });
  });

  it('keeps a valid coupon (any case), applies it, and redeems nothing', async () => {
    const c = await customer();
    const p = await product({ priceMinor: 20_000 });
    const code = uniqueCoupon('Nile');
    const offer = await createOffer(t, admin, { couponCode: code, kind: 'fixed', value: 2500 });
    await put(c.token, p.id, 1);
    const res = await call('POST', '/v1/cart/coupon', c.token, { code: ` ${code.toLowerCase()} ` });
    expect(res.status).toBe(200);
    expect(res.body.coupon).toEqual({ code: code.toUpperCase(), valid: true });
    expect(res.body).toMatchObject({ discountMinor: 2500, totalMinor: 20_000 - 2500 + FEE });
    expect(res.body.offer.id).toBe(offer.id);
    expect(await storedCart(t, c.id)).toMatchObject({ cart: [{ coupon_code: code.toUpperCase() }] });
    const used = (await t.http.get(`/v1/admin/offers/${offer.id}`, admin)).body.offer.usedCount;
    expect(used).toBe(0);

    const dropped = await call('DELETE', '/v1/cart/coupon', c.token);
    expect(dropped.body).toMatchObject({ coupon: null, discountMinor: 0 });
    expect((await call('DELETE', '/v1/cart/coupon', c.token)).status).toBe(200);
    expect((await storedCart(t, c.id)).cart).toEqual([{ coupon_code: null }]);
  });

  it('refuses an unknown, ended, scheduled, switched-off or used-up coupon with the offers code, keeping the old one', async () => {
    const c = await customer();
    const p = await product();
    await put(c.token, p.id, 1);
    const good = uniqueCoupon('Keep');
    await createOffer(t, admin, { couponCode: good });
    await call('POST', '/v1/cart/coupon', c.token, { code: good });
    const now = Date.now();
    const ended = uniqueCoupon('Ended');
    await createOffer(t, admin, {
      couponCode: ended,
      startsAt: new Date(now - 48 * HOUR).toISOString(),
      endsAt: new Date(now - HOUR).toISOString(),
    });
    const scheduled = uniqueCoupon('Later');
    await createOffer(t, admin, {
      couponCode: scheduled,
      startsAt: new Date(now + HOUR).toISOString(),
      endsAt: new Date(now + 48 * HOUR).toISOString(),
    });
    const off = uniqueCoupon('Off');
    await createOffer(t, admin, { couponCode: off, active: false });
    const usedUp = uniqueCoupon('Gone');
    const usedUpOffer = await createOffer(t, admin, { couponCode: usedUp, globalLimit: 1 });
    const once = uniqueCoupon('Once');
    const onceOffer = await createOffer(t, admin, { couponCode: once, perCustomerLimit: 1 });
    const redemptions = t.app.get(OfferRedemptionsService);
    const other = await customer();
    await redemptions.redeem(usedUpOffer.id, other.id, `order:${randomUUID()}`);
    await redemptions.redeem(onceOffer.id, c.id, `order:${randomUUID()}`);

    const cases: [string, number, string][] = [
      [uniqueCoupon('Nope'), 400, 'offers/unknown-coupon'],
      [ended, 409, 'offers/not-active'],
      [scheduled, 409, 'offers/not-active'],
      [off, 409, 'offers/not-active'],
      [usedUp, 409, 'offers/limit-reached'],
      [once, 409, 'offers/customer-limit-reached'],
    ];
    const before = await storedCart(t, c.id);
    expect(before.cart).toEqual([{ coupon_code: good.toUpperCase() }]);
    for (const [code, status, problem] of cases) {
      const res = await call('POST', '/v1/cart/coupon', c.token, { code });
      expect(res.status, code).toBe(status);
      expect(res.body.code, code).toBe(problem);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const unknown = await call('POST', '/v1/cart/coupon', c.token, { code: 'NOSUCHCODE' }, { 'accept-language': 'ar' });
    expect(unknown.body).toMatchObject({ detail: 'رمز القسيمة غير صالح', errors: [{ field: 'code' }] });
    expect(await storedCart(t, c.id)).toEqual(before);
    // The same used-up code is fine for a customer who has not used it: only its own customer limit counts.
    const fresh = await customer();
    expect((await call('POST', '/v1/cart/coupon', fresh.token, { code: once })).status).toBe(200);
  });

  it('says why a kept coupon does not apply to what the cart holds now', async () => {
    const c = await customer();
    const p = await product({ priceMinor: 1000 });
    const elsewhere = await product();
    const big = uniqueCoupon('Big');
    await createOffer(t, admin, { couponCode: big, minCartMinor: 100_000 });
    await put(c.token, p.id, 1);
    const below = await call('POST', '/v1/cart/coupon', c.token, { code: big });
    expect(below.status).toBe(200);
    expect(below.body.coupon).toEqual({ code: big.toUpperCase(), valid: false, reason: 'below-minimum' });
    expect(below.body.discountMinor).toBe(0);

    const other = uniqueCoupon('Other');
    await createOffer(t, admin, { couponCode: other, scope: 'product', productId: elsewhere.id });
    const nothing = await call('POST', '/v1/cart/coupon', c.token, { code: other });
    expect(nothing.body.coupon).toEqual({ code: other.toUpperCase(), valid: false, reason: 'nothing-to-discount' });

    const small = uniqueCoupon('Small');
    await createOffer(t, admin, { couponCode: small, scope: 'product', productId: p.id, value: 5 });
    await createOffer(t, admin, { scope: 'product', productId: p.id, value: 30 });
    const notBest = await call('POST', '/v1/cart/coupon', c.token, { code: small });
    expect(notBest.body.coupon).toEqual({ code: small.toUpperCase(), valid: false, reason: 'not-best' });
    expect(notBest.body.discountMinor).toBe(300);

    // Ended after it was kept: still carried, priced as ended.
    await t.database.db.execute(
      sql`update offers set ends_at = now() - interval '1 second', starts_at = now() - interval '1 day' where coupon_code = ${small.toUpperCase()}`,
    );
    expect((await call('GET', '/v1/cart', c.token)).body.coupon).toEqual({
      code: small.toUpperCase(),
      valid: false,
      reason: 'ended',
    });
  });
});

describe('cart: delivery fee', () => {
  it('charges the flat fee, nothing from the threshold of the goods after discount, nothing for pickup', async () => {
    const c = await customer();
    const p = await product({ priceMinor: 30_000 });
    const below = await put(c.token, p.id, 1);
    expect(below.body).toMatchObject({ subtotalMinor: 30_000, deliveryFeeMinor: FEE, totalMinor: 30_000 + FEE });
    const free = await put(c.token, p.id, 2);
    expect(free.body).toMatchObject({ subtotalMinor: 60_000, deliveryFeeMinor: 0, totalMinor: 60_000 });
    const pickup = await call('GET', '/v1/cart?fulfilment=pickup', c.token);
    expect(pickup.body).toMatchObject({ fulfilment: 'pickup', deliveryFeeMinor: 0 });
    // 20 % off brings the goods below the threshold: the fee is back.
    await createOffer(t, admin, { scope: 'product', productId: p.id, value: 20 });
    const discounted = await call('GET', '/v1/cart?fulfilment=delivery', c.token);
    expect(discounted.body).toMatchObject({
      subtotalMinor: 60_000,
      discountMinor: 12_000,
      deliveryFeeMinor: FEE,
      totalMinor: 48_000 + FEE,
    });
    expect((await call('GET', '/v1/cart?fulfilment=pickup', c.token)).body.totalMinor).toBe(48_000);
  });

  it('is nothing for a cart with nothing priced', async () => {
    const c = await customer();
    const gone = await product();
    await put(c.token, gone.id, 1);
    await deactivate(gone.id);
    expect((await call('GET', '/v1/cart', c.token)).body).toMatchObject({ deliveryFeeMinor: 0, totalMinor: 0 });
  });
});

describe('cart: availability at a branch', () => {
  it('checks each line against the branch’s sellable stock (expired lots and reservations do not count)', async () => {
    const c = await customer();
    const plenty = await product();
    const scarce = await product();
    const none = await product();
    await receive(t, admin, branch.id, { productId: plenty.id, quantity: 10 });
    await receive(t, admin, branch.id, { productId: scarce.id, quantity: 3 });
    await insertLot(t, {
      branchId: branch.id,
      productId: scarce.id,
      lotNumber: 'OLD',
      expiresOn: inDays(-1),
      onHand: 50,
    });
    await t.app
      .get(InventoryService)
      .reserve(branch.id, [{ productId: scarce.id, quantity: 1 }], `order:${randomUUID()}`);
    await put(c.token, plenty.id, 4);
    await put(c.token, scarce.id, 3);
    await put(c.token, none.id, 1);
    const res = await call('GET', `/v1/cart?branchId=${branch.id.toUpperCase()}&fulfilment=pickup`, c.token);
    expect(res.status).toBe(200);
    expect(res.body.branchId).toBe(branch.id);
    expect(
      res.body.items.map((i: { available: boolean; availableQuantity: number }) => [i.available, i.availableQuantity]),
    ).toEqual([
      [true, 10],
      [false, 2],
      [false, 0],
    ]);
    expect(res.body.allAvailable).toBe(false);
    await put(c.token, scarce.id, 2);
    await call('DELETE', `/v1/cart/items/${none.id}`, c.token);
    expect((await call('GET', `/v1/cart?branchId=${branch.id}`, c.token)).body.allAvailable).toBe(true);
  });

  it('answers 404 for an unknown or inactive branch', async () => {
    const c = await customer();
    const closed = await createBranch(t, admin);
    await t.http.patch(`/v1/admin/branches/${closed.id}`, { active: false }, admin);
    for (const id of [MISSING, closed.id]) {
      const res = await call('GET', `/v1/cart?branchId=${id}`, c.token);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('branches/not-found');
    }
  });

  it('measures the delivery point from the branch against its delivery radius', async () => {
    const c = await customer();
    const p = await product();
    await put(c.token, p.id, 1);
    // About 3.3 km north of the branch (radius 5 km), then about 22 km.
    const near = await call('GET', `/v1/cart?branchId=${branch.id}&lat=30.074&lng=31.2357`, c.token);
    expect(near.body.deliveryDistanceKm).toBeCloseTo(3.3, 1);
    expect(near.body).toMatchObject({ withinDeliveryRadius: true, deliveryFeeMinor: FEE });
    const far = await call('GET', `/v1/cart?branchId=${branch.id}&lat=30.244&lng=31.2357`, c.token);
    expect(far.body.withinDeliveryRadius).toBe(false);
    // Without a branch there is nothing to measure from.
    expect((await call('GET', `/v1/cart?lat=30.074&lng=31.2357`, c.token)).body).toMatchObject({
      deliveryDistanceKm: null,
      withinDeliveryRadius: null,
    });
  });
});

describe('cart: one customer’s cart is no one else’s', () => {
  it('never shows, changes or empties another customer’s cart', async () => {
    const a = await customer();
    const b = await customer();
    const p = await product();
    const code = uniqueCoupon('Mine');
    await createOffer(t, admin, { couponCode: code });
    await put(a.token, p.id, 3);
    await call('POST', '/v1/cart/coupon', a.token, { code });
    const before = await storedCart(t, a.id);
    expect((await call('GET', '/v1/cart', b.token)).body).toMatchObject({ items: [], coupon: null });
    expect((await call('DELETE', `/v1/cart/items/${p.id}`, b.token)).status).toBe(404);
    await call('DELETE', '/v1/cart/coupon', b.token);
    await call('DELETE', '/v1/cart', b.token);
    await put(b.token, p.id, 1);
    expect(await storedCart(t, a.id)).toEqual(before);
    expect((await call('GET', '/v1/cart', a.token)).body.items[0].quantity).toBe(3);
  });
});

describe('cart: concurrency', () => {
  it('20 parallel PUTs of one product leave exactly one line holding one of the quantities sent', async () => {
    const c = await customer();
    const p = await product();
    const quantities = Array.from({ length: 20 }, (_, i) => i + 1);
    const results = await Promise.all(quantities.map((q) => put(c.token, p.id, q)));
    expect(results.map((r) => r.status)).toEqual(quantities.map(() => 200));
    const stored = await storedCart(t, c.id);
    expect(stored.items).toHaveLength(1);
    expect(quantities).toContain(stored.items[0].quantity);
    expect((await call('GET', '/v1/cart', c.token)).body.items[0].quantity).toBe(stored.items[0].quantity);
  });

  it(`parallel PUTs of ${MAX_LINES * 3} different products on an empty cart: exactly ${MAX_LINES} lines fit`, async () => {
    const c = await customer();
    const ps = await Promise.all(Array.from({ length: MAX_LINES * 3 }, () => product()));
    const results = await Promise.all(ps.map((p) => put(c.token, p.id, 1)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(MAX_LINES);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.map((r) => r.body.code)).toEqual(refused.map(() => 'cart/too-many-lines'));
    expect((await storedCart(t, c.id)).items).toHaveLength(MAX_LINES);
  });
});

describe('cart: pricing for checkout (in the caller’s transaction)', () => {
  it('sees and prices what the same transaction changed, and leaves nothing when it rolls back', async () => {
    const c = await customer();
    const p = await product({ priceMinor: 7000 });
    await receive(t, admin, branch.id, { productId: p.id, quantity: 5 });
    const cart = t.app.get(CartService);
    const pricing = t.app.get(CartPricingService);
    const rollback = new Error('checkout failed later');
    await expect(
      t.database.db.transaction(async (tx) => {
        await cart.setItem(c.id, p.id, 2, tx);
        const priced = await pricing.price(c.id, { branchId: branch.id, fulfilment: 'pickup' }, tx);
        expect(priced).toMatchObject({ subtotalMinor: 14_000, totalMinor: 14_000, allAvailable: true });
        await cart.empty(c.id, tx);
        expect((await pricing.price(c.id, {}, tx)).items).toEqual([]);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await storedCart(t, c.id)).toEqual({ cart: [], items: [] });
    expect((await pricing.price(c.id)).items).toEqual([]);
  });
});
