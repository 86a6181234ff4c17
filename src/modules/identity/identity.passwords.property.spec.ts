import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PASSWORD_MIN_LENGTH, passwordProblems } from './identity.passwords.js';

const SEED = 20_240_611;
const CODES = new Set(['too_small', 'too_big', 'common_password', 'low_variety', 'contains_identifier']);
/** Any Unicode: lone surrogates, Arabic, bidi controls, emoji, NUL, case-folding oddities. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 150 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('İİİİİİİİİİ', 'ﬃﬃﬃﬃﬃﬃﬃﬃﬃﬃ', '\u0000'.repeat(12), 'مرحبا-بالعالم-٤٢', '\u202Eabc\u202Ddef12'),
);
const personal = fc.array(
  fc.option(text, { nil: undefined }).map((v) => v ?? null),
  { maxLength: 4 },
);

describe('passwordProblems', () => {
  it('never throws on arbitrary Unicode and reports only known codes, each at most once', () => {
    fc.assert(
      fc.property(text, personal, (password, who) => {
        const problems = passwordProblems(password, who);
        const codes = problems.map((p) => p.code);
        expect(codes.every((c) => CODES.has(c))).toBe(true);
        expect(new Set(codes).size).toBe(codes.length);
        expect(problems.every((p) => p.field === 'password' && p.message.length > 0)).toBe(true);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it('measures length in code points: too_small exactly below 10, too_big exactly above 128', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 140 }), (password) => {
        const length = [...password].length;
        const codes = passwordProblems(password).map((p) => p.code);
        expect(codes.includes('too_small')).toBe(length < PASSWORD_MIN_LENGTH);
        expect(codes.includes('too_big')).toBe(length > 128);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('refuses a password that contains the email local part it is checked against', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{4,12}$/), fc.string({ minLength: 0, maxLength: 10 }), (local, extra) => {
        const problems = passwordProblems(`Xq7!${local}${extra}`, [`${local}@example.test`]);
        expect(problems.map((p) => p.code)).toContain('contains_identifier');
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
