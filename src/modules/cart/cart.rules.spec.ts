import { describe, expect, it } from 'vitest';
import { availabilityOf, deliveryFee, startedKm, totalOf } from './cart.rules.js';

const terms = { feeMinor: 2500, freeAboveMinor: 50_000, perKmMinor: 0 };
const delivery = { fulfilment: 'delivery' as const, goodsMinor: 10_000, empty: false, distanceKm: null };

describe('deliveryFee', () => {
  it('charges the flat fee below the threshold and nothing from it on (goods after discount)', () => {
    expect(deliveryFee(terms, delivery)).toBe(2500);
    expect(deliveryFee(terms, { ...delivery, goodsMinor: 49_999 })).toBe(2500);
    expect(deliveryFee(terms, { ...delivery, goodsMinor: 50_000 })).toBe(0);
    expect(deliveryFee(terms, { ...delivery, goodsMinor: 80_000 })).toBe(0);
  });

  it('never makes delivery free when the threshold is 0', () => {
    expect(deliveryFee({ ...terms, freeAboveMinor: 0 }, { ...delivery, goodsMinor: 10_000_000 })).toBe(2500);
  });

  it('is free for pickup and for an empty cart', () => {
    expect(deliveryFee(terms, { ...delivery, fulfilment: 'pickup' })).toBe(0);
    expect(deliveryFee(terms, { ...delivery, empty: true, goodsMinor: 0 })).toBe(0);
  });

  it('adds the per-km part for each started kilometre when the distance is known', () => {
    const perKm = { ...terms, perKmMinor: 300 };
    expect(deliveryFee(perKm, delivery)).toBe(2500);
    expect(deliveryFee(perKm, { ...delivery, distanceKm: 0 })).toBe(2500);
    expect(deliveryFee(perKm, { ...delivery, distanceKm: 0.2 })).toBe(2800);
    expect(deliveryFee(perKm, { ...delivery, distanceKm: 3 })).toBe(3400);
    expect(deliveryFee(perKm, { ...delivery, distanceKm: 3.001 })).toBe(3700);
    // Free delivery wins over distance.
    expect(deliveryFee(perKm, { ...delivery, distanceKm: 9, goodsMinor: 60_000 })).toBe(0);
  });
});

describe('startedKm', () => {
  it('counts started kilometres, measured to the metre', () => {
    expect(startedKm(0)).toBe(0);
    expect(startedKm(0.0004)).toBe(0);
    expect(startedKm(0.001)).toBe(1);
    expect(startedKm(2.9999999999)).toBe(3);
    expect(startedKm(3.0000000001)).toBe(3);
  });
});

describe('availabilityOf', () => {
  it('knows nothing without a branch, except that a discontinued product is never available', () => {
    expect(availabilityOf(2, undefined, false, false)).toEqual({ available: null, availableQuantity: null });
    expect(availabilityOf(2, undefined, false, true)).toEqual({ available: false, availableQuantity: null });
  });

  it('compares the sellable units at the branch with the quantity', () => {
    expect(availabilityOf(2, 5, true, false)).toEqual({ available: true, availableQuantity: 5 });
    expect(availabilityOf(5, 5, true, false)).toEqual({ available: true, availableQuantity: 5 });
    expect(availabilityOf(6, 5, true, false)).toEqual({ available: false, availableQuantity: 5 });
    expect(availabilityOf(1, undefined, true, false)).toEqual({ available: false, availableQuantity: 0 });
    expect(availabilityOf(1, 5, true, true)).toEqual({ available: false, availableQuantity: 5 });
  });
});

describe('totalOf', () => {
  it('is goods after discount plus delivery minus points, never below zero', () => {
    expect(
      totalOf({ subtotalMinor: 10_000, discountMinor: 1500, deliveryFeeMinor: 2500, pointsRedeemableMinor: 0 }),
    ).toBe(11_000);
    expect(totalOf({ subtotalMinor: 100, discountMinor: 100, deliveryFeeMinor: 0, pointsRedeemableMinor: 50 })).toBe(0);
  });
});
