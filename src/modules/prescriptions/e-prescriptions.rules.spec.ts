import { describe, expect, it } from 'vitest';
import {
  CODE_PATTERN,
  canonicalJson,
  newCode,
  nextFillAt,
  nextFillUnits,
  normaliseCode,
  publicStatus,
  refillsLeftOf,
  remainingOf,
  validUntil,
} from './e-prescriptions.rules.js';

const DAY = 86_400_000;

describe('e-prescription rules', () => {
  it('writes canonical JSON: keys sorted at every depth, arrays in order, undefined left out', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: null, y: 'x' }], c: true }, u: undefined })).toBe(
      '{"a":{"c":true,"d":[2,{"y":"x","z":null}]},"b":1}',
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
    expect(() => canonicalJson({ d: new Map() as unknown })).not.toThrow();
  });

  it('makes unguessable Crockford codes and reads what people type', () => {
    const codes = new Set(Array.from({ length: 2000 }, newCode));
    expect(codes.size).toBe(2000);
    for (const c of codes) expect(c).toMatch(CODE_PATTERN);
    expect(normaliseCode('abcd-efgh-jk')).toBe('ABCDEFGHJK');
    expect(normaliseCode('0a1b-2c3d 4e')).toBe('0A1B2C3D4E');
    expect(normaliseCode('OAIB2C3D4E')).toBe('0A1B2C3D4E');
    expect(normaliseCode('LLLLLLLLLL')).toBe('1111111111');
    expect(normaliseCode('UUUUUUUUUU')).toBe(undefined);
    expect(normaliseCode('short')).toBe(undefined);
  });

  it('is valid 90 days, 30 when controlled; expired and revoked as the public sees them', () => {
    const at = new Date('2031-01-01T00:00:00Z');
    const days = { normal: 90, controlled: 30 };
    expect(validUntil(at, false, days).getTime() - at.getTime()).toBe(90 * DAY);
    expect(validUntil(at, true, days).getTime() - at.getTime()).toBe(30 * DAY);
    const until = new Date(at.getTime() + DAY);
    expect(publicStatus({ status: 'issued', validUntil: until }, at)).toBe('valid');
    expect(publicStatus({ status: 'issued', validUntil: until }, until)).toBe('expired');
    expect(publicStatus({ status: 'revoked', validUntil: until }, at)).toBe('revoked');
  });

  it('counts what is left, refills left and the earliest next fill', () => {
    const line = { quantity: 2, refills: 2, dispensed: 0, durationDays: 30, lastFilledAt: null };
    expect([remainingOf(line), refillsLeftOf(line), nextFillUnits(line), nextFillAt(line, 75)]).toEqual([
      6,
      2,
      2,
      null,
    ]);
    const filled = { ...line, dispensed: 2, lastFilledAt: new Date('2031-01-01T00:00:00Z') };
    expect([remainingOf(filled), refillsLeftOf(filled)]).toEqual([4, 1]);
    expect(nextFillAt(filled, 75)?.toISOString()).toBe('2031-01-24T00:00:00.000Z');
    expect(nextFillAt(filled, 0)?.toISOString()).toBe('2031-01-01T00:00:00.000Z');
    const partial = { ...line, dispensed: 5, lastFilledAt: new Date() };
    expect([remainingOf(partial), refillsLeftOf(partial), nextFillUnits(partial)]).toEqual([1, 0, 1]);
    expect(remainingOf({ ...line, dispensed: 6 })).toBe(0);
  });
});
