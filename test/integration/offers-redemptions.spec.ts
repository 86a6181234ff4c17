import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff, insertCustomers } from '../factories/user.factory.js';
import { createOffer, insertCategory, insertProduct, uniqueCoupon } from '../factories/offers.factory.js';
import { invariantViolations } from '../support/invariants.js';
import { AppError } from '../../src/kernel/errors/index.js';
import { OfferRedemptionsService, type CartLine } from '../../src/modules/offers/index.js';

let t: TestApp;
let admin: string;
let offers: OfferRedemptionsService;
/** Real accounts: a redemption names its customer (foreign key, migration 0009). */
let customers: string[] = [];
beforeAll(async () => {
  // Enough connections for the parallel redemptions to really meet in the database.
  t = await bootTestApp({ DATABASE_POOL_MAX: '25' });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  offers = t.app.get(OfferRedemptionsService);
  customers = await insertCustomers(t, 120);
});
afterAll(async () => {
  await t.close();
});

const customer = () => {
  const id = customers.pop();
  if (!id) throw new Error('offers-redemptions spec: add more customers in beforeAll');
  return id;
};
const usedCount = async (id: string) =>
  (
    (await t.database.db.execute(sql`select used_count from offers where id = ${id}`)) as unknown as {
      rows: { used_count: number }[];
    }
  ).rows[0].used_count;
const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'rejected' ? ((r.reason as AppError).code ?? String(r.reason)) : 'ok';

describe('redeem', () => {
  it('counts one use per reference; a retry with the same reference changes nothing', async () => {
    const offer = await createOffer(t, admin, { globalLimit: 5 });
    const buyer = customer();
    const first = await offers.redeem(offer.id, buyer, 'order-1');
    expect(first).toMatchObject({ offerId: offer.id, customerId: buyer, reference: 'order-1', replayed: false });
    const again = await offers.redeem(offer.id, buyer, 'order-1');
    expect(again).toMatchObject({ id: first.id, replayed: true });
    expect(await usedCount(offer.id)).toBe(1);
    await expect(offers.redeem(offer.id, customer(), 'order-1')).rejects.toMatchObject({
      code: 'offers/reference-conflict',
      status: 409,
    });
  });

  it('refuses an unknown, switched-off, future or ended offer', async () => {
    await expect(offers.redeem(randomUUID(), customer(), 'x')).rejects.toMatchObject({ code: 'offers/not-found' });
    const off = await createOffer(t, admin, { active: false });
    await expect(offers.redeem(off.id, customer(), 'x')).rejects.toMatchObject({ code: 'offers/not-active' });
    const later = await createOffer(t, admin, {
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
    });
    await expect(offers.redeem(later.id, customer(), 'x')).rejects.toMatchObject({ code: 'offers/not-active' });
    expect(await usedCount(later.id)).toBe(0);
  });

  it('commits and rolls back with the caller’s transaction', async () => {
    const offer = await createOffer(t, admin, { globalLimit: 1 });
    await expect(
      t.database.db.transaction(async (tx) => {
        await offers.redeem(offer.id, customer(), 'rolled-back', tx);
        throw new Error('checkout failed later');
      }),
    ).rejects.toThrow('checkout failed later');
    expect(await usedCount(offer.id)).toBe(0);
    await t.database.db.transaction((tx) => offers.redeem(offer.id, customer(), 'kept', tx));
    expect(await usedCount(offer.id)).toBe(1);
  });

  it('gives a use back once when the order is cancelled', async () => {
    const offer = await createOffer(t, admin, { globalLimit: 1 });
    await offers.redeem(offer.id, customer(), 'cancel-me');
    await expect(offers.redeem(offer.id, customer(), 'another')).rejects.toMatchObject({
      code: 'offers/limit-reached',
    });
    expect(await offers.release(offer.id, 'cancel-me')).toBe(true);
    expect(await offers.release(offer.id, 'cancel-me')).toBe(false);
    expect(await usedCount(offer.id)).toBe(0);
    await offers.redeem(offer.id, customer(), 'another');
    await expect(offers.release(randomUUID(), 'x')).rejects.toMatchObject({ code: 'offers/not-found' });
  });
});

describe('redeem under concurrency', () => {
  it('of 40 parallel redemptions of a limit-7 offer exactly 7 succeed, the rest limit-reached', async () => {
    const offer = await createOffer(t, admin, { globalLimit: 7 });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => offers.redeem(offer.id, customer(), `order-${i}`)),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(7);
    expect(codes.filter((c) => c === 'offers/limit-reached')).toHaveLength(33);
    expect(await usedCount(offer.id)).toBe(7);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('one customer firing 20 parallel checkouts gets the per-customer limit, no more', async () => {
    const offer = await createOffer(t, admin, { perCustomerLimit: 3 });
    const buyer = customer();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => offers.redeem(offer.id, buyer, `same-buyer-${i}`)),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(3);
    expect(codes.filter((c) => c === 'offers/customer-limit-reached')).toHaveLength(17);
    // Another customer is not affected.
    await offers.redeem(offer.id, customer(), 'someone-else');
    expect(await usedCount(offer.id)).toBe(4);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('a checkout retried 15 times in parallel with one reference counts once', async () => {
    const offer = await createOffer(t, admin, { globalLimit: 100 });
    const buyer = customer();
    const results = await Promise.all(Array.from({ length: 15 }, () => offers.redeem(offer.id, buyer, 'retry')));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await usedCount(offer.id)).toBe(1);
    expect(await invariantViolations(t.database)).toEqual([]);
  });
});

describe('quote', () => {
  // A window of its own, far ahead, so offers other specs left in this database cannot compete.
  const at = new Date('2091-06-01T10:00:00Z');
  const window = { startsAt: '2091-05-01T00:00:00Z', endsAt: '2091-07-01T00:00:00Z' };

  it('prices a cart with the best offer from the database, honouring coupons and the customer’s usage', async () => {
    const category = await insertCategory(t);
    const vitamins = await insertProduct(t, { categoryId: category.id, priceMinor: 10000 });
    const antibiotic = await insertProduct(t, { categoryId: category.id, priceMinor: 8000, rxRequired: true });
    const line = (p: typeof vitamins, quantity: number): CartLine => ({
      productId: p.id,
      categoryId: category.id,
      unitPriceMinor: p.priceMinor,
      quantity,
      rxRequired: p.rxRequired,
      controlled: p.controlled,
    });
    const lines = [line(vitamins, 2), line(antibiotic, 1)];
    const productOffer = await createOffer(t, admin, {
      ...window,
      scope: 'product',
      productId: vitamins.id,
      value: 20,
      perCustomerLimit: 1,
    });
    const code = uniqueCoupon('Vip');
    const couponOffer = await createOffer(t, admin, {
      ...window,
      scope: 'category',
      categoryId: category.id,
      kind: 'fixed',
      value: 5000,
      couponCode: code,
    });
    const bigSpender = uniqueCoupon('Big');
    await createOffer(t, admin, { ...window, couponCode: bigSpender, minCartMinor: 1_000_000 });
    const buyer = customer();

    const plain = await offers.quote(lines, { customerId: buyer, now: at });
    // 20% of the vitamins (the Rx line is never discounted); the coupon offer needs its code.
    expect(plain).toMatchObject({
      subtotalMinor: 28000,
      discountMinor: 4000,
      totalMinor: 24000,
      offer: { id: productOffer.id },
      coupon: null,
    });
    expect(plain.applied!.lines).toEqual([{ line: 0, productId: vitamins.id, discountMinor: 4000 }]);

    const withCode = await offers.quote(lines, { customerId: buyer, coupon: code.toLowerCase(), now: at });
    expect(withCode).toMatchObject({ discountMinor: 5000, offer: { id: couponOffer.id }, coupon: { applied: true } });

    expect((await offers.quote(lines, { coupon: 'NOPE-123', now: at })).coupon).toEqual({
      code: 'NOPE-123',
      applied: false,
      reason: 'unknown-code',
    });
    expect((await offers.quote(lines, { coupon: bigSpender, now: at })).coupon).toEqual({
      code: bigSpender.toUpperCase(),
      applied: false,
      reason: 'below-minimum',
    });
    // A coupon that applies but gives less than the automatic offer.
    const tiny = uniqueCoupon('Tiny');
    await createOffer(t, admin, { ...window, couponCode: tiny, kind: 'fixed', value: 1 });
    expect((await offers.quote(lines, { coupon: tiny, now: at })).coupon).toMatchObject({ reason: 'not-best' });

    // Once the customer has used the product offer, it no longer applies to them (but still to others).
    await t.database.db.execute(
      sql`insert into offer_redemptions (id, offer_id, customer_id, reference) values (gen_random_uuid(), ${productOffer.id}, ${buyer}, 'first-order')`,
    );
    await t.database.db.execute(sql`update offers set used_count = used_count + 1 where id = ${productOffer.id}`);
    expect((await offers.quote(lines, { customerId: buyer, now: at })).offer).toBeNull();
    expect((await offers.quote(lines, { customerId: customer(), now: at })).offer?.id).toBe(productOffer.id);
    expect(await invariantViolations(t.database)).toEqual([]);
  });
});

describe('checkCoupon (a code a customer enters into a cart)', () => {
  const HOUR = 3_600_000;

  it('accepts the code of a running offer in any case, counting nothing; refuses one that cannot be used', async () => {
    const buyer = customer();
    const code = uniqueCoupon('Enter');
    const offer = await createOffer(t, admin, { couponCode: code, perCustomerLimit: 1, globalLimit: 5 });
    const accepted = await offers.checkCoupon(` ${code.toLowerCase()} `, buyer);
    expect(accepted).toMatchObject({ code: code.toUpperCase(), offer: { id: offer.id } });
    expect(await usedCount(offer.id)).toBe(0);

    await expect(offers.checkCoupon('NO-SUCH-CODE', buyer)).rejects.toMatchObject({
      code: 'offers/unknown-coupon',
      status: 400,
    });
    const now = Date.now();
    const ended = uniqueCoupon('Over');
    await createOffer(t, admin, {
      couponCode: ended,
      startsAt: new Date(now - 2 * HOUR).toISOString(),
      endsAt: new Date(now - HOUR).toISOString(),
    });
    await expect(offers.checkCoupon(ended, buyer)).rejects.toMatchObject({ code: 'offers/not-active' });
    await offers.redeem(offer.id, buyer, `order:${randomUUID()}`);
    await expect(offers.checkCoupon(code, buyer)).rejects.toMatchObject({ code: 'offers/customer-limit-reached' });
    const full = await createOffer(t, admin, { couponCode: uniqueCoupon('Full'), globalLimit: 1 });
    await offers.redeem(full.id, customer(), `order:${randomUUID()}`);
    await expect(offers.checkCoupon(full.couponCode!, buyer)).rejects.toMatchObject({ code: 'offers/limit-reached' });
  });

  it('lets quote say why a code aimed at other products, or no longer running, does not apply', async () => {
    const elsewhere = await insertProduct(t);
    const bought = await insertProduct(t, { priceMinor: 5000 });
    const lines: CartLine[] = [
      {
        productId: bought.id,
        categoryId: bought.categoryId,
        unitPriceMinor: 5000,
        quantity: 1,
        rxRequired: false,
        controlled: false,
      },
    ];
    const aimed = uniqueCoupon('Aimed');
    await createOffer(t, admin, { couponCode: aimed, scope: 'product', productId: elsewhere.id });
    expect((await offers.quote(lines, { coupon: aimed })).coupon).toEqual({
      code: aimed.toUpperCase(),
      applied: false,
      reason: 'nothing-to-discount',
    });
    const now = Date.now();
    const over = uniqueCoupon('Past');
    await createOffer(t, admin, {
      couponCode: over,
      startsAt: new Date(now - 2 * HOUR).toISOString(),
      endsAt: new Date(now - HOUR).toISOString(),
    });
    expect((await offers.quote(lines, { coupon: over })).coupon).toMatchObject({ applied: false, reason: 'ended' });
    // The customer's own use of a code outside the candidates counts too.
    const buyer = customer();
    const once = await createOffer(t, admin, {
      couponCode: uniqueCoupon('Once'),
      scope: 'product',
      productId: elsewhere.id,
      perCustomerLimit: 1,
    });
    await offers.redeem(once.id, buyer, `order:${randomUUID()}`);
    expect((await offers.quote(lines, { coupon: once.couponCode!, customerId: buyer })).coupon).toMatchObject({
      reason: 'customer-limit-reached',
    });
  });
});
