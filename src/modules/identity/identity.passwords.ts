import argon2 from 'argon2';
import { readFileSync } from 'node:fs';
import { AppError, type FieldError } from '../../kernel/errors/index.js';

// OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): ~20 ms here, so 200 parallel logins stay quick.
const ARGON_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const COMMON = new Set(
  readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean),
);

export const PASSWORD_MIN_LENGTH = 10;

/**
 * The fragments of an email, phone or name that a password must not contain: the email's local part and
 * its words, a name's words, and a phone's last 8 digits (E.164 numbers carry a `+` and country code
 * that people leave out when they type their number into a password).
 */
function identifierFragments(value: string): string[] {
  const local = value.toLowerCase().trim().split('@')[0];
  if (/^\+?[\d\s().-]+$/.test(local)) {
    const digits = local.replace(/\D/g, '');
    return [digits.slice(-8)].filter((d) => d.length >= 4);
  }
  const words = local.split(/[^\p{L}\p{N}]+/u);
  return [local, words.join(''), ...words].filter((w) => [...w].length >= 4);
}

/** Password policy (NIST 800-63B): length, not a known-common password, not the user's own identifiers. */
export function passwordProblems(password: string, personal: (string | null | undefined)[] = []): FieldError[] {
  const problems: FieldError[] = [];
  // NIST 800-63B counts each Unicode code point as one character (an emoji is one, not two UTF-16 units).
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push({
      field: 'password',
      code: 'too_small',
      message: `must be at least ${PASSWORD_MIN_LENGTH} characters`,
    });
  }
  if (length > 128) problems.push({ field: 'password', code: 'too_big', message: 'must be at most 128 characters' });
  const lower = password.toLowerCase();
  const stripped = lower.replace(/[^a-z]/g, '');
  if (COMMON.has(lower) || (stripped.length >= 4 && COMMON.has(stripped) && stripped.length >= lower.length - 4)) {
    problems.push({ field: 'password', code: 'common_password', message: 'is too common' });
  }
  if (new Set(password).size < 4)
    problems.push({ field: 'password', code: 'low_variety', message: 'uses too few different characters' });
  for (const p of personal) {
    if (p && identifierFragments(p).some((f) => lower.includes(f))) {
      problems.push({
        field: 'password',
        code: 'contains_identifier',
        message: 'must not contain your email, phone or name',
      });
      break;
    }
  }
  return problems;
}

export function assertPasswordAcceptable(
  password: string,
  personal: (string | null | undefined)[],
  field = 'password',
): void {
  const problems = passwordProblems(password, personal);
  if (problems.length > 0) {
    throw new AppError('validation', 'auth/weak-password', 'The password is too weak', {
      errors: problems.map((p) => ({ ...p, field })),
    });
  }
}

export const hashPassword = (password: string) => argon2.hash(password, ARGON_OPTIONS);

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verified against when the account does not exist, so a miss costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('medyour-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
