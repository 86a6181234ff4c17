import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestOffer, evaluateOffer, inWindow, quoteCart, subtotalOf } from './offers.rules.js';

import { NOW, DAY, P1, P2, RX, CAT, PARENT, OTHER_CAT, offer } from '../../../test/support/offers-rules.fixtures.js';

// ---- properties
const ids = [P1, P2, RX];
const cats = [CAT, OTHER_CAT, PARENT];
const lineArb = fc.record({
  productId: fc.constantFrom(...ids),
  categoryId: fc.constantFrom(...cats),
  categoryPath: fc.option(fc.subarray(cats), { nil: undefined }),
  unitPriceMinor: fc.integer({ min: 0, max: 2_000_000 }),
  quantity: fc.integer({ min: 1, max: 500 }),
  rxRequired: fc.boolean(),
  controlled: fc.boolean(),
});
const offerArb = fc
  .record({
    kind: fc.constantFrom('percentage' as const, 'fixed' as const),
    pct: fc.integer({ min: 1, max: 100 }),
    fixed: fc.integer({ min: 1, max: 10_000_000 }),
    scope: fc.constantFrom('product' as const, 'category' as const, 'cart' as const),
    productId: fc.constantFrom(...ids),
    categoryId: fc.constantFrom(...cats),
    minCartMinor: fc.integer({ min: 0, max: 5_000_000 }),
    appliesToRestricted: fc.boolean(),
    startOffset: fc.integer({ min: -10, max: 10 }),
    length: fc.integer({ min: 1, max: 20 }),
    globalLimit: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    usedCount: fc.integer({ min: 0, max: 5 }),
    couponCode: fc.option(fc.constantFrom('NILE10', 'Cairo5'), { nil: null }),
  })
  .map((r) =>
    offer({
      kind: r.kind,
      value: r.kind === 'percentage' ? r.pct : r.fixed,
      scope: r.scope,
      productId: r.scope === 'product' ? r.productId : null,
      categoryId: r.scope === 'category' ? r.categoryId : null,
      minCartMinor: r.minCartMinor,
      appliesToRestricted: r.appliesToRestricted,
      startsAt: new Date(NOW.getTime() + r.startOffset * DAY),
      endsAt: new Date(NOW.getTime() + (r.startOffset + r.length) * DAY),
      globalLimit: r.globalLimit,
      usedCount: r.globalLimit === null ? r.usedCount : Math.min(r.usedCount, r.globalLimit),
      couponCode: r.couponCode,
    }),
  );
const cartArb = fc.record({
  lines: fc.array(lineArb, { maxLength: 12 }),
  coupon: fc.option(fc.constantFrom('nile10', 'CAIRO5', 'other'), { nil: null }),
});

describe('properties', () => {
  it('a discount is a whole non-negative amount, never above the subtotal; the total is never negative', () => {
    fc.assert(
      fc.property(fc.array(offerArb, { maxLength: 6 }), cartArb, (offers, cart) => {
        const q = quoteCart(offers, { ...cart, now: NOW });
        expect(Number.isSafeInteger(q.discountMinor)).toBe(true);
        expect(q.discountMinor).toBeGreaterThanOrEqual(0);
        expect(q.discountMinor).toBeLessThanOrEqual(q.subtotalMinor);
        expect(q.totalMinor).toBe(q.subtotalMinor - q.discountMinor);
        expect(q.totalMinor).toBeGreaterThanOrEqual(0);
        expect(q.subtotalMinor).toBe(subtotalOf(cart.lines));
      }),
      { numRuns: 500 },
    );
  });

  it('line discounts add up to the discount, each within its line, and never on a restricted line unless allowed', () => {
    fc.assert(
      fc.property(offerArb, cartArb, (o, cart) => {
        const e = evaluateOffer(o, { ...cart, now: NOW });
        if (!e.ok) return;
        expect(e.discountMinor).toBeGreaterThan(0);
        expect(e.lines.reduce((s, l) => s + l.discountMinor, 0)).toBe(e.discountMinor);
        for (const l of e.lines) {
          const cl = cart.lines[l.line];
          expect(l.discountMinor).toBeGreaterThanOrEqual(0);
          expect(l.discountMinor).toBeLessThanOrEqual(cl.unitPriceMinor * cl.quantity);
          if (!o.appliesToRestricted) expect(cl.rxRequired || cl.controlled).toBe(false);
          if (o.scope === 'product') expect(cl.productId).toBe(o.productId);
        }
        if (o.kind === 'percentage') {
          const covered = e.lines.reduce(
            (s, l) => s + cart.lines[l.line].unitPriceMinor * cart.lines[l.line].quantity,
            0,
          );
          // Rounded down: within one minor unit below the exact percentage, never above it.
          expect(e.discountMinor * 100).toBeLessThanOrEqual(covered * o.value);
          expect((e.discountMinor + 1) * 100).toBeGreaterThan(covered * o.value);
        } else expect(e.discountMinor).toBeLessThanOrEqual(o.value);
      }),
      { numRuns: 500 },
    );
  });

  it('the best offer is at least as good as every applicable one, and is one of them', () => {
    fc.assert(
      fc.property(fc.array(offerArb, { maxLength: 6 }), cartArb, (offers, cart) => {
        const ctx = { ...cart, now: NOW };
        const best = bestOffer(offers, ctx);
        const applicable = offers.map((o) => evaluateOffer(o, ctx)).filter((e) => e.ok);
        if (applicable.length === 0) {
          expect(best).toBeNull();
          return;
        }
        expect(applicable.map((e) => e.offerId)).toContain(best!.offerId);
        for (const e of applicable) expect(best!.discountMinor).toBeGreaterThanOrEqual(e.discountMinor);
        // Order does not matter.
        expect(bestOffer([...offers].reverse(), ctx)).toEqual(best);
      }),
      { numRuns: 300 },
    );
  });

  it('adding a restricted line never changes the discount of an offer that excludes restricted products', () => {
    fc.assert(
      fc.property(offerArb, cartArb, lineArb, (o, cart, extra) => {
        const strict = { ...o, appliesToRestricted: false };
        const before = evaluateOffer(strict, { ...cart, now: NOW });
        const after = evaluateOffer(strict, {
          ...cart,
          lines: [...cart.lines, { ...extra, rxRequired: true }],
          now: NOW,
        });
        expect(after.ok ? after.discountMinor : 0).toBe(before.ok ? before.discountMinor : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('an offer is void outside its window, whatever the cart', () => {
    fc.assert(
      fc.property(offerArb, cartArb, fc.integer({ min: -30, max: 30 }), (o, cart, d) => {
        const now = new Date(NOW.getTime() + d * DAY);
        const e = evaluateOffer(o, { ...cart, now });
        if (!inWindow(o, now)) expect(e.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
