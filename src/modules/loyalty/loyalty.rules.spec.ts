import { describe, expect, it } from 'vitest';
import {
  LoyaltyKeys,
  eligibleGoodsMinor,
  expiryOf,
  isEligible,
  planReturn,
  planTake,
  pointsEarned,
  pointsValueMinor,
  redemptionCap,
  refundShare,
  type LoyaltyTerms,
  type PointsLine,
} from './loyalty.rules.js';

const terms: LoyaltyTerms = {
  earnPoints: 1,
  earnPerMinor: 100,
  pointValueMinor: 10,
  capPercent: 50,
  capPoints: 0,
  expiryDays: 30,
  rxLines: false,
};
const otc = (unitPriceMinor: number, quantity = 1, discountMinor = 0): PointsLine => ({
  unitPriceMinor,
  quantity,
  discountMinor,
  rxRequired: false,
});
const rx: PointsLine = { unitPriceMinor: 9000, quantity: 1, discountMinor: 0, rxRequired: true };
const d = (iso: string) => new Date(iso);

describe('eligible lines', () => {
  it('leaves out Rx-only and controlled lines unless the terms let them in', () => {
    expect(isEligible(otc(100), terms)).toBe(true);
    expect(isEligible(rx, terms)).toBe(false);
    expect(isEligible({ ...otc(100), controlled: true }, terms)).toBe(false);
    expect(isEligible(rx, { ...terms, rxLines: true })).toBe(true);
  });

  it('counts goods after their discount, never below zero', () => {
    expect(eligibleGoodsMinor([otc(1000, 3, 500), rx, otc(200, 1, 999)], terms)).toBe(2500);
    expect(eligibleGoodsMinor([rx], { ...terms, rxLines: true })).toBe(9000);
  });
});

describe('redemption cap', () => {
  it('is the percent of eligible goods in points of their value, rounded down', () => {
    // 50% of 2500 = 1250 minor = 125 points of 10.
    expect(redemptionCap([otc(1000, 3, 500), rx], terms)).toBe(125);
    expect(redemptionCap([otc(1999)], terms)).toBe(99);
    expect(redemptionCap([rx], terms)).toBe(0);
  });

  it('is held to the absolute cap when one is set, and 0 percent spends nothing', () => {
    expect(redemptionCap([otc(100_000)], { ...terms, capPoints: 300 })).toBe(300);
    expect(redemptionCap([otc(1000)], { ...terms, capPoints: 300 })).toBe(50);
    expect(redemptionCap([otc(100_000)], { ...terms, capPercent: 0 })).toBe(0);
  });

  it('values points at the configured value', () => {
    expect(pointsValueMinor(125, terms)).toBe(1250);
  });
});

describe('points earned', () => {
  it('earns on eligible goods paid in money, rounded down; none on Rx lines; points spent earn nothing', () => {
    expect(pointsEarned([otc(4999)], 0, terms)).toBe(49);
    expect(pointsEarned([otc(5000), rx], 0, terms)).toBe(50);
    expect(pointsEarned([otc(5000)], 1000, terms)).toBe(40);
    expect(pointsEarned([otc(500)], 1000, terms)).toBe(0);
    expect(pointsEarned([rx], 0, terms)).toBe(0);
    expect(pointsEarned([otc(5000)], 0, { ...terms, earnPoints: 3, earnPerMinor: 250 })).toBe(60);
  });

  it('expires the configured days after it was earned', () => {
    expect(expiryOf(d('2026-01-01T10:00:00Z'), terms).toISOString()).toBe('2026-01-31T10:00:00.000Z');
  });
});

describe('planTake', () => {
  const lots = [
    { id: 'b', remaining: 30, expiresAt: d('2026-03-01T00:00:00Z') },
    { id: 'a', remaining: 10, expiresAt: d('2026-02-01T00:00:00Z') },
    { id: 'c', remaining: 50, expiresAt: d('2026-03-01T00:00:00Z') },
  ];
  it('spends the soonest-expiring lots first (ties by id)', () => {
    expect(planTake(lots, 35)).toEqual([
      { lotId: 'a', points: 10 },
      { lotId: 'b', points: 25 },
    ]);
    expect(planTake(lots, 90)).toEqual([
      { lotId: 'a', points: 10 },
      { lotId: 'b', points: 30 },
      { lotId: 'c', points: 50 },
    ]);
  });
  it('answers undefined when the lots hold fewer, and refuses a non-positive amount', () => {
    expect(planTake(lots, 91)).toBeUndefined();
    expect(planTake([], 1)).toBeUndefined();
    expect(() => planTake(lots, 0)).toThrow(RangeError);
    expect(() => planTake(lots, 1.5)).toThrow(RangeError);
  });
  it('draws on the named lots first', () => {
    expect(planTake(lots, 40, new Set(['c']))).toEqual([{ lotId: 'c', points: 40 }]);
    expect(planTake(lots, 55, new Set(['c']))).toEqual([
      { lotId: 'c', points: 50 },
      { lotId: 'a', points: 5 },
    ]);
  });
});

describe('planReturn', () => {
  const spent = [
    { points: 10, expiresAt: d('2026-02-01T00:00:00Z') },
    { points: 25, expiresAt: d('2026-03-01T00:00:00Z') },
  ];
  it('gives everything back keeping each expiry', () => {
    expect(planReturn(spent, 0, 35)).toEqual([
      { points: 25, expiresAt: d('2026-03-01T00:00:00Z') },
      { points: 10, expiresAt: d('2026-02-01T00:00:00Z') },
    ]);
  });
  it('gives back the latest-expiring first, after what earlier returns gave', () => {
    expect(planReturn(spent, 0, 20)).toEqual([{ points: 20, expiresAt: d('2026-03-01T00:00:00Z') }]);
    expect(planReturn(spent, 20, 15)).toEqual([
      { points: 5, expiresAt: d('2026-03-01T00:00:00Z') },
      { points: 10, expiresAt: d('2026-02-01T00:00:00Z') },
    ]);
    expect(planReturn(spent, 35, 5)).toEqual([]);
  });
  it('merges uses of one expiry into one lot', () => {
    const same = [
      { points: 4, expiresAt: d('2026-02-01T00:00:00Z') },
      { points: 6, expiresAt: d('2026-02-01T00:00:00Z') },
    ];
    expect(planReturn(same, 0, 10)).toEqual([{ points: 10, expiresAt: d('2026-02-01T00:00:00Z') }]);
  });
});

describe('refundShare', () => {
  it('is the refunded fraction of the points, rounded, less what earlier refunds moved', () => {
    expect(refundShare({ points: 10, alreadyMoved: 0, refundedTotalMinor: 500, orderTotalMinor: 1000 })).toBe(5);
    expect(refundShare({ points: 10, alreadyMoved: 5, refundedTotalMinor: 1000, orderTotalMinor: 1000 })).toBe(5);
    // Three refunds of a third each add up to the whole.
    let moved = 0;
    for (const refunded of [333, 666, 999])
      moved += refundShare({ points: 10, alreadyMoved: moved, refundedTotalMinor: refunded, orderTotalMinor: 999 });
    expect(moved).toBe(10);
  });
  it('is never negative nor more than the points', () => {
    expect(refundShare({ points: 10, alreadyMoved: 10, refundedTotalMinor: 500, orderTotalMinor: 1000 })).toBe(0);
    expect(refundShare({ points: 10, alreadyMoved: 0, refundedTotalMinor: 5000, orderTotalMinor: 1000 })).toBe(10);
    expect(refundShare({ points: 0, alreadyMoved: 0, refundedTotalMinor: 500, orderTotalMinor: 1000 })).toBe(0);
    expect(refundShare({ points: 10, alreadyMoved: 0, refundedTotalMinor: 500, orderTotalMinor: 0 })).toBe(0);
  });
});

describe('keys', () => {
  it('names each movement of an order once', () => {
    const o = '0190a0c8-0000-7000-8000-000000000001';
    const keys = [
      LoyaltyKeys.earn(o),
      LoyaltyKeys.redeem(o),
      LoyaltyKeys.return(o),
      LoyaltyKeys.reverse(o, 'r1'),
      LoyaltyKeys.refundReturn(o, 'r1'),
      LoyaltyKeys.expire(o),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(LoyaltyKeys.earn(o)).toBe(`order:${o}:points:earn`);
  });
});
