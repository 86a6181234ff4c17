import type { OfferTerms } from '../../src/modules/offers/offers.rules.js';

/** Shared fixtures of the offer-rule specs (examples and properties). */
export const NOW = new Date('2026-03-10T12:00:00Z');
export const DAY = 86_400_000;
export const P1 = '0190a0c8-0000-7000-8000-000000000001';
export const P2 = '0190a0c8-0000-7000-8000-000000000002';
export const RX = '0190a0c8-0000-7000-8000-000000000003';
export const CAT = '0190a0c8-0000-7000-8000-0000000000c1';
export const PARENT = '0190a0c8-0000-7000-8000-0000000000c0';
export const OTHER_CAT = '0190a0c8-0000-7000-8000-0000000000c2';

let seq = 0;
/** A running 10 % cart offer, changed by `overrides`. */
export function offer(overrides: Partial<OfferTerms> = {}): OfferTerms {
  return {
    id: `0190a0c8-0000-7000-8000-${String(++seq).padStart(12, '0')}`,
    kind: 'percentage',
    value: 10,
    scope: 'cart',
    productId: null,
    categoryId: null,
    startsAt: new Date(NOW.getTime() - DAY),
    endsAt: new Date(NOW.getTime() + DAY),
    minCartMinor: 0,
    globalLimit: null,
    perCustomerLimit: null,
    usedCount: 0,
    couponCode: null,
    appliesToRestricted: false,
    active: true,
    ...overrides,
  };
}
