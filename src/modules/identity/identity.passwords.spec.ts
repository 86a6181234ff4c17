import { describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors/index.js';
import {
  PASSWORD_MIN_LENGTH,
  assertPasswordAcceptable,
  burnPasswordCheck,
  hashPassword,
  passwordProblems,
  verifyPassword,
} from './identity.passwords.js';

const codes = (password: string, personal: (string | null | undefined)[] = []) =>
  passwordProblems(password, personal).map((p) => p.code);

const GOOD = 'violet-harbour-42';

describe('passwordProblems', () => {
  it('accepts a long, varied, uncommon password', () => {
    expect(passwordProblems(GOOD, ['mona@example.com', '+201001234567', 'Mona Hassan'])).toEqual([]);
  });

  it('enforces the minimum and maximum length', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(10);
    expect(codes('vio-harb9')).toEqual(['too_small']);
    expect(codes('vio-harb93')).toEqual([]);
    expect(codes('Ab1-'.repeat(32))).toEqual([]);
    expect(codes('Ab1-'.repeat(32) + 'x')).toEqual(['too_big']);
  });

  it('counts Unicode code points, not UTF-16 units', () => {
    // Five emoji are ten UTF-16 units but five characters.
    expect(codes('😀😺🌵🍀🚀')).toContain('too_small');
    expect(codes('😀😺🌵🍀🚀🎈🎸🏠🐢🦉')).toEqual([]);
  });

  it('rejects passwords from the common list, whatever their case', () => {
    expect(codes('qwertyuiop')).toEqual(['common_password']);
    expect(codes('QwErTyUiOp')).toEqual(['common_password']);
    expect(codes('PHARMACY123')).toEqual(['common_password']);
  });

  it('rejects a common word dressed up with a few extra characters', () => {
    expect(codes('Password2024!')).not.toContain('common_password'); // 5 extra characters: allowed
    expect(codes('Sunshine99!!')).toEqual(['common_password']);
    expect(codes('sunshine-and-rain')).toEqual([]);
  });

  it('rejects low variety', () => {
    expect(codes('aaaaaaaaaaaa')).toEqual(['low_variety']);
    expect(codes('abcabcabcabc')).toEqual(['low_variety']);
    expect(codes('abcdabcdabcd')).toEqual([]);
  });

  it('rejects a password containing the email local part, case-insensitively', () => {
    expect(codes('xMonaHassan!9', ['monahassan@example.com'])).toEqual(['contains_identifier']);
    expect(codes('mona.hassan-2024', ['Mona.Hassan@example.com'])).toEqual(['contains_identifier']);
    // A word of a dotted local part is enough.
    expect(codes('hassan-plays-oud', ['mona.hassan@example.com'])).toEqual(['contains_identifier']);
  });

  it('rejects a password containing a word of the name', () => {
    expect(codes('Hassan-rocks-77', [null, undefined, 'Mona Hassan'])).toEqual(['contains_identifier']);
    expect(codes('monahassan#77', ['Mona Hassan'])).toEqual(['contains_identifier']);
    expect(codes('محمدسعيد2024x', ['محمد سعيد'])).toEqual(['contains_identifier']);
  });

  it('rejects a password containing the phone number, with or without its country code', () => {
    for (const pw of ['+201001234567x', '201001234567ab', 'my01001234567!', 'a-01234567-z']) {
      expect(codes(pw, ['+201001234567'])).toEqual(['contains_identifier']);
    }
  });

  it('ignores identifiers shorter than 4 characters and missing values', () => {
    expect(codes('ali-violet-42', ['Ali', 'li@x.io', null, undefined, ''])).toEqual([]);
  });

  it('reports one identifier problem even when several identifiers match', () => {
    expect(codes('monahassan0123456', ['monahassan@example.com', 'Mona Hassan'])).toEqual(['contains_identifier']);
  });

  it('reports every problem together', () => {
    expect(codes('aaaa')).toEqual(['too_small', 'low_variety']);
    expect(passwordProblems('aaaa').every((p) => p.field === 'password')).toBe(true);
  });
});

describe('assertPasswordAcceptable', () => {
  it('passes a good password', () => {
    expect(() => assertPasswordAcceptable(GOOD, ['someone@example.com'])).not.toThrow();
  });

  it('throws auth/weak-password with field errors named by the field argument', () => {
    let thrown: unknown;
    try {
      assertPasswordAcceptable('aaaa', [], 'newPassword');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const err = thrown as AppError;
    expect(err.code).toBe('auth/weak-password');
    expect(err.kind).toBe('validation');
    expect(err.status).toBe(400);
    expect(err.details.errors?.map((e) => [e.field, e.code])).toEqual([
      ['newPassword', 'too_small'],
      ['newPassword', 'low_variety'],
    ]);
  });

  it('names the field "password" by default', () => {
    try {
      assertPasswordAcceptable('qwertyuiop', []);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect((err as AppError).details.errors).toEqual([
        { field: 'password', code: 'common_password', message: 'is too common' },
      ]);
    }
  });
});

describe('hashPassword / verifyPassword', () => {
  it('round-trips with an argon2id hash and a per-hash salt', async () => {
    const [a, b] = await Promise.all([hashPassword(GOOD), hashPassword(GOOD)]);
    expect(a.startsWith('$argon2id$')).toBe(true);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, GOOD)).toBe(true);
    expect(await verifyPassword(b, GOOD)).toBe(true);
    expect(await verifyPassword(a, GOOD + 'x')).toBe(false);
    expect(await verifyPassword(a, '')).toBe(false);
  });

  it('returns false, not an exception, for a malformed hash', async () => {
    expect(await verifyPassword('not-a-hash', GOOD)).toBe(false);
    expect(await verifyPassword('', GOOD)).toBe(false);
    expect(await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$broken', GOOD)).toBe(false);
  });

  it('burnPasswordCheck resolves without throwing', async () => {
    await expect(burnPasswordCheck('anything-at-all')).resolves.toBeUndefined();
  });
});
