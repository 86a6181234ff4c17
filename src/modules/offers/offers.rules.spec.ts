import { describe, expect, it } from 'vitest';
import {
  allocate,
  bestOffer,
  discountOn,
  evaluateOffer,
  inWindow,
  normalizeCoupon,
  quoteCart,
  unusableBecause,
  type CartLine,
} from './offers.rules.js';

import { NOW, DAY, P1, P2, RX, CAT, PARENT, OTHER_CAT, offer } from '../../../test/support/offers-rules.fixtures.js';

const line = (overrides: Partial<CartLine> = {}): CartLine => ({
  productId: P1,
  categoryId: CAT,
  unitPriceMinor: 1000,
  quantity: 1,
  rxRequired: false,
  controlled: false,
  ...overrides,
});

describe('discountOn', () => {
  it('takes a percentage rounded down to a whole minor unit', () => {
    expect(discountOn({ kind: 'percentage', value: 15 }, 999)).toBe(149); // 149.85
    expect(discountOn({ kind: 'percentage', value: 33 }, 1)).toBe(0);
    expect(discountOn({ kind: 'percentage', value: 100 }, 12345)).toBe(12345);
  });

  it('caps a fixed amount at what it applies to, and gives nothing on nothing', () => {
    expect(discountOn({ kind: 'fixed', value: 500 }, 2000)).toBe(500);
    expect(discountOn({ kind: 'fixed', value: 5000 }, 2000)).toBe(2000);
    expect(discountOn({ kind: 'fixed', value: 500 }, 0)).toBe(0);
  });
});

describe('allocate', () => {
  it('splits in proportion with the remainder to the largest fractions, exact sum', () => {
    expect(allocate(100, [100, 100, 100])).toEqual([34, 33, 33]);
    expect(allocate(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(allocate(10, [300, 700])).toEqual([3, 7]);
    expect(allocate(5, [0, 10])).toEqual([0, 5]);
    expect(allocate(0, [10, 20])).toEqual([0, 0]);
    expect(allocate(7, [])).toEqual([]);
  });

  it('stays exact where total × weight passes 2^53', () => {
    const w = [2_000_000_000_000, 3_000_000_000_001];
    const parts = allocate(4_999_999_999_999, w);
    expect(parts[0] + parts[1]).toBe(4_999_999_999_999);
    expect(parts[0]).toBeLessThanOrEqual(w[0]);
  });

  it('refuses to allocate more than the weights hold', () => {
    expect(() => allocate(11, [5, 5])).toThrow(RangeError);
  });
});

describe('evaluateOffer', () => {
  it('applies a cart percentage to every unrestricted line', () => {
    const e = evaluateOffer(offer({ value: 20 }), {
      lines: [line({ quantity: 2 }), line({ productId: P2, unitPriceMinor: 500 })],
      now: NOW,
    });
    expect(e).toMatchObject({ ok: true, discountMinor: 500 });
    if (e.ok)
      expect(e.lines).toEqual([
        { line: 0, productId: P1, discountMinor: 400 },
        { line: 1, productId: P2, discountMinor: 100 },
      ]);
  });

  it('never touches Rx-only or controlled lines unless the offer allows it', () => {
    const lines = [line(), line({ productId: RX, rxRequired: true }), line({ productId: P2, controlled: true })];
    const plain = evaluateOffer(offer({ value: 50 }), { lines, now: NOW });
    expect(plain).toMatchObject({ ok: true, discountMinor: 500, lines: [{ line: 0, discountMinor: 500 }] });
    const allowed = evaluateOffer(offer({ value: 50, appliesToRestricted: true }), { lines, now: NOW });
    expect(allowed).toMatchObject({ ok: true, discountMinor: 1500 });
    const rxOnly = evaluateOffer(offer({ scope: 'product', productId: RX }), {
      lines: [line({ productId: RX, rxRequired: true })],
      now: NOW,
    });
    expect(rxOnly).toEqual({ ok: false, offerId: expect.any(String), reason: 'nothing-to-discount' });
  });

  it('does not let restricted lines reach the minimum cart', () => {
    const o = offer({ minCartMinor: 1500 });
    const lines = [line(), line({ productId: RX, rxRequired: true })];
    expect(evaluateOffer(o, { lines, now: NOW })).toMatchObject({ ok: false, reason: 'below-minimum' });
    expect(evaluateOffer({ ...o, appliesToRestricted: true }, { lines, now: NOW })).toMatchObject({ ok: true });
    expect(evaluateOffer(o, { lines: [line({ quantity: 2 })], now: NOW })).toMatchObject({ ok: true });
  });

  it('scopes to one product or to a category and its sub-categories', () => {
    const lines = [
      line({ unitPriceMinor: 1000 }),
      line({ productId: P2, categoryId: OTHER_CAT, unitPriceMinor: 3000, categoryPath: [PARENT] }),
    ];
    expect(
      evaluateOffer(offer({ scope: 'product', productId: P2, kind: 'fixed', value: 700 }), { lines, now: NOW }),
    ).toMatchObject({ ok: true, discountMinor: 700, lines: [{ line: 1, productId: P2, discountMinor: 700 }] });
    expect(evaluateOffer(offer({ scope: 'category', categoryId: CAT }), { lines, now: NOW })).toMatchObject({
      ok: true,
      discountMinor: 100,
      lines: [{ line: 0 }],
    });
    expect(evaluateOffer(offer({ scope: 'category', categoryId: PARENT }), { lines, now: NOW })).toMatchObject({
      ok: true,
      discountMinor: 300,
      lines: [{ line: 1 }],
    });
    expect(
      evaluateOffer(offer({ scope: 'product', productId: '0190a0c8-0000-7000-8000-00000000ffff' }), {
        lines,
        now: NOW,
      }),
    ).toMatchObject({ ok: false, reason: 'nothing-to-discount' });
  });

  it('respects the window: starts inclusive, ends exclusive', () => {
    const o = offer({ startsAt: NOW, endsAt: new Date(NOW.getTime() + 1000) });
    const lines = [line()];
    expect(evaluateOffer(o, { lines, now: NOW }).ok).toBe(true);
    expect(evaluateOffer(o, { lines, now: new Date(NOW.getTime() - 1) })).toMatchObject({ reason: 'not-started' });
    expect(evaluateOffer(o, { lines, now: new Date(NOW.getTime() + 1000) })).toMatchObject({ reason: 'ended' });
    expect(inWindow(o, new Date(NOW.getTime() + 999))).toBe(true);
    expect(evaluateOffer({ ...o, active: false }, { lines, now: NOW })).toMatchObject({ reason: 'inactive' });
  });

  it('needs the coupon code when the offer has one, in any case and with stray spaces', () => {
    const o = offer({ couponCode: 'NILE10' });
    const lines = [line()];
    expect(evaluateOffer(o, { lines, now: NOW })).toMatchObject({ reason: 'coupon-required' });
    expect(evaluateOffer(o, { lines, now: NOW, coupon: 'NILE11' })).toMatchObject({ reason: 'coupon-required' });
    expect(evaluateOffer(o, { lines, now: NOW, coupon: ' nile10 ' }).ok).toBe(true);
    expect(normalizeCoupon(' Nile10\t')).toBe('NILE10');
  });

  it('stops at the global and the per-customer limits', () => {
    const lines = [line()];
    expect(evaluateOffer(offer({ globalLimit: 3, usedCount: 3 }), { lines, now: NOW })).toMatchObject({
      reason: 'limit-reached',
    });
    expect(evaluateOffer(offer({ globalLimit: 3, usedCount: 2 }), { lines, now: NOW }).ok).toBe(true);
    const o = offer({ perCustomerLimit: 2 });
    expect(evaluateOffer(o, { lines, now: NOW, usage: { [o.id]: 2 } })).toMatchObject({
      reason: 'customer-limit-reached',
    });
    expect(evaluateOffer(o, { lines, now: NOW, usage: { [o.id]: 1 } }).ok).toBe(true);
  });

  it('refuses nonsense lines instead of computing with them', () => {
    const o = offer();
    expect(() => evaluateOffer(o, { lines: [line({ quantity: 0 })], now: NOW })).toThrow(RangeError);
    expect(() => evaluateOffer(o, { lines: [line({ unitPriceMinor: -1 })], now: NOW })).toThrow(RangeError);
    expect(() => evaluateOffer(o, { lines: [line({ unitPriceMinor: 1.5 })], now: NOW })).toThrow(RangeError);
    expect(() =>
      evaluateOffer(o, { lines: [line({ unitPriceMinor: 2_000_000_000, quantity: 1_000_000 })], now: NOW }),
    ).toThrow(RangeError);
  });
});

describe('unusableBecause (a coupon checked before the cart is known)', () => {
  it('names what stops the offer whatever the lines, or null', () => {
    const coupon = 'EID25';
    const at = { now: NOW, coupon };
    expect(unusableBecause(offer({ couponCode: coupon }), at)).toBeNull();
    expect(unusableBecause(offer({ couponCode: coupon, active: false }), at)).toBe('inactive');
    expect(unusableBecause(offer({ couponCode: coupon, startsAt: new Date(NOW.getTime() + DAY) }), at)).toBe(
      'not-started',
    );
    expect(unusableBecause(offer({ couponCode: coupon, endsAt: NOW }), at)).toBe('ended');
    expect(unusableBecause(offer({ couponCode: coupon }), { now: NOW, coupon: 'OTHER' })).toBe('coupon-required');
    expect(unusableBecause(offer({ couponCode: coupon, globalLimit: 3, usedCount: 3 }), at)).toBe('limit-reached');
    const once = offer({ couponCode: coupon, perCustomerLimit: 1 });
    expect(unusableBecause(once, { ...at, usage: { [once.id]: 1 } })).toBe('customer-limit-reached');
    // A minimum the cart does not reach yet is the cart's business, not the code's.
    expect(unusableBecause(offer({ couponCode: coupon, minCartMinor: 1_000_000 }), at)).toBeNull();
  });
});

describe('bestOffer / quoteCart', () => {
  it('picks the largest discount, never stacks', () => {
    const small = offer({ value: 10 });
    const big = offer({ kind: 'fixed', value: 300 });
    const lines = [line({ quantity: 2 })];
    expect(bestOffer([small, big], { lines, now: NOW })).toMatchObject({ offerId: big.id, discountMinor: 300 });
    expect(quoteCart([small, big], { lines, now: NOW })).toMatchObject({
      subtotalMinor: 2000,
      discountMinor: 300,
      totalMinor: 1700,
    });
  });

  it('breaks ties by the earlier end, then by id', () => {
    const late = offer({ kind: 'fixed', value: 100, endsAt: new Date(NOW.getTime() + 5 * DAY) });
    const soon = offer({ kind: 'fixed', value: 100, endsAt: new Date(NOW.getTime() + 2 * DAY) });
    expect(bestOffer([late, soon], { lines: [line()], now: NOW })?.offerId).toBe(soon.id);
    const a = offer({ kind: 'fixed', value: 100 });
    const b = offer({ kind: 'fixed', value: 100 });
    expect(bestOffer([b, a], { lines: [line()], now: NOW })?.offerId).toBe(a.id);
  });

  it('answers no offer for an empty cart or when none applies', () => {
    expect(quoteCart([offer()], { lines: [], now: NOW })).toEqual({
      subtotalMinor: 0,
      discountMinor: 0,
      totalMinor: 0,
      applied: null,
    });
    expect(bestOffer([offer({ active: false })], { lines: [line()], now: NOW })).toBeNull();
  });
});
