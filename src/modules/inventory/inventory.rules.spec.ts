import { describe, expect, it } from 'vitest';
import {
  addDays,
  allocateFefo,
  isExpired,
  isSellable,
  isoDate,
  mergeLines,
  sellableCutoff,
} from './inventory.rules.js';

describe('dates', () => {
  it('adds calendar days across months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-01-01', 0)).toBe('2024-01-01');
  });

  it('takes the UTC date of an instant', () => {
    expect(isoDate(new Date('2024-06-30T23:59:59Z'))).toBe('2024-06-30');
  });
});

describe('sellable and expired', () => {
  const today = '2024-06-01';

  it('sells only lots expiring after the margin', () => {
    expect(sellableCutoff(today, 30)).toBe('2024-07-01');
    expect(isSellable('2024-07-02', today, 30)).toBe(true);
    expect(isSellable('2024-07-01', today, 30)).toBe(false);
    expect(isSellable('2024-06-15', today, 30)).toBe(false);
    expect(isSellable('2024-05-31', today, 30)).toBe(false);
  });

  it('with no margin still never sells a lot on or after its expiry day', () => {
    expect(isSellable('2024-06-02', today, 0)).toBe(true);
    expect(isSellable('2024-06-01', today, 0)).toBe(false);
  });

  it('calls a lot expired from the day after its expiry date', () => {
    expect(isExpired('2024-05-31', today)).toBe(true);
    expect(isExpired('2024-06-01', today)).toBe(false);
  });
});

describe('allocateFefo', () => {
  const lots = [
    { id: 'c', expiresOn: '2025-03-01', available: 5 },
    { id: 'a', expiresOn: '2025-01-01', available: 2 },
    { id: 'b', expiresOn: '2025-02-01', available: 3 },
  ];

  it('takes the soonest-expiring lot first, then the next', () => {
    expect(allocateFefo(lots, 1)).toEqual([{ lotId: 'a', quantity: 1 }]);
    expect(allocateFefo(lots, 4)).toEqual([
      { lotId: 'a', quantity: 2 },
      { lotId: 'b', quantity: 2 },
    ]);
    expect(allocateFefo(lots, 10)).toEqual([
      { lotId: 'a', quantity: 2 },
      { lotId: 'b', quantity: 3 },
      { lotId: 'c', quantity: 5 },
    ]);
  });

  it('is all or nothing', () => {
    expect(allocateFefo(lots, 11)).toBeUndefined();
    expect(allocateFefo([], 1)).toBeUndefined();
  });

  it('breaks expiry ties by id and skips empty lots', () => {
    const tied = [
      { id: 'y', expiresOn: '2025-01-01', available: 3 },
      { id: 'x', expiresOn: '2025-01-01', available: 3 },
      { id: 'w', expiresOn: '2024-12-01', available: 0 },
    ];
    expect(allocateFefo(tied, 4)).toEqual([
      { lotId: 'x', quantity: 3 },
      { lotId: 'y', quantity: 1 },
    ]);
  });
});

describe('mergeLines', () => {
  it('sums duplicates and orders by product id', () => {
    expect(
      mergeLines([
        { productId: 'p2', quantity: 1 },
        { productId: 'p1', quantity: 2 },
        { productId: 'p2', quantity: 3 },
      ]),
    ).toEqual([
      { productId: 'p1', quantity: 2 },
      { productId: 'p2', quantity: 4 },
    ]);
  });
});
