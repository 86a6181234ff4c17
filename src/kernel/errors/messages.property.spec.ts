import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickLocale } from './messages.js';

const SEED = 20_240_611;
const tag = fc.constantFrom('ar', 'en', 'AR-eg', 'en-US', 'fr', '*', '', 'ar-', 'english', 'x-arabic');
const weight = fc.oneof(
  fc.constant(''),
  fc.double({ min: 0, max: 1, noNaN: true }).map((q) => `;q=${q}`),
  fc.constantFrom(';q=', ';q=abc', ';q=1e309', ';q=-1', ';Q=0.5', ';level=1;q=0.3'),
);
/** Well-formed-ish headers, and anything at all. */
const header = fc.oneof(
  fc
    .array(
      fc.tuple(tag, weight).map(([t, w]) => t + w),
      { maxLength: 25 },
    )
    .map((parts) => parts.join(', ')),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constant(undefined),
);

describe('pickLocale', () => {
  it("is total: any header (or none) gives 'en' or 'ar'", () => {
    fc.assert(
      fc.property(header, (h) => {
        expect(['en', 'ar']).toContain(pickLocale(h));
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('never picks a language the header did not name, and never one marked q=0', () => {
    fc.assert(
      fc.property(header, (h) => {
        if (pickLocale(h) !== 'ar') return;
        const arabic = (h ?? '').split(',').filter((p) => p.trim().toLowerCase().startsWith('ar'));
        expect(arabic.length).toBeGreaterThan(0);
        expect(arabic.some((p) => !/;\s*q=0(\.0*)?\s*(;|$)/i.test(p))).toBe(true);
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });
});
