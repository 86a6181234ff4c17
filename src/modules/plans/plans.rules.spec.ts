import { describe, expect, it } from 'vitest';
import { addInterval, chargeKey } from './plans.rules.js';

describe('plans rules', () => {
  it('adds a month on the same day and time', () => {
    expect(addInterval(new Date('2026-03-15T10:30:00Z'), 'monthly').toISOString()).toBe('2026-04-15T10:30:00.000Z');
    expect(addInterval(new Date('2026-12-15T00:00:00Z'), 'monthly').toISOString()).toBe('2027-01-15T00:00:00.000Z');
  });

  it('clamps to the last day of a shorter month', () => {
    expect(addInterval(new Date('2026-01-31T08:00:00Z'), 'monthly').toISOString()).toBe('2026-02-28T08:00:00.000Z');
    expect(addInterval(new Date('2028-01-31T08:00:00Z'), 'monthly').toISOString()).toBe('2028-02-29T08:00:00.000Z');
    expect(addInterval(new Date('2028-02-29T08:00:00Z'), 'yearly').toISOString()).toBe('2029-02-28T08:00:00.000Z');
  });

  it('adds a year', () => {
    expect(addInterval(new Date('2026-06-01T12:00:00Z'), 'yearly').toISOString()).toBe('2027-06-01T12:00:00.000Z');
  });

  it('keys a charge by subscription and period', () => {
    expect(chargeKey('ABC', 2)).toBe('subscription:abc:period:2');
  });
});
