import { randomInt } from 'node:crypto';

/** Crockford base32 (no I, L, O, U: nothing to misread on a phone screen or a printout). */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 10;
export const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{10}$/;

/** A verification code: 10 characters, 50 random bits (unguessable within the public route's rate limit). */
export function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CROCKFORD[randomInt(32)];
  return code;
}

/**
 * What a person may type for a code: case-insensitive, the letters Crockford maps (O→0, I/L→1), hyphens
 * and spaces ignored. Undefined when it cannot be a code.
 */
export function normaliseCode(input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return CODE_PATTERN.test(code) ? code : undefined;
}

/**
 * Canonical JSON (keys sorted at every depth, no whitespace, arrays in order): the exact bytes signed. Only
 * strings, finite numbers, booleans, null, arrays and plain objects; undefined members are left out.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('canonicalJson: a number must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`canonicalJson: cannot encode ${typeof value}`);
}

const DAY_MS = 86_400_000;

/** DOMAIN: 90 days by default, shorter (config) when any line is a controlled drug. */
export function validUntil(issuedAt: Date, controlled: boolean, days: { normal: number; controlled: number }): Date {
  return new Date(issuedAt.getTime() + (controlled ? days.controlled : days.normal) * DAY_MS);
}

export type PublicStatus = 'valid' | 'expired' | 'revoked';

export function publicStatus(p: { status: string; validUntil: Date }, now: Date): PublicStatus {
  if (p.status === 'revoked') return 'revoked';
  return p.validUntil.getTime() <= now.getTime() ? 'expired' : 'valid';
}

export interface FillableLine {
  quantity: number;
  refills: number;
  dispensed: number;
  durationDays: number;
  lastFilledAt: Date | null;
}

/** Units still to dispense: quantity × (1 + refills) − dispensed. */
export const remainingOf = (l: FillableLine) => Math.max(0, l.quantity * (1 + l.refills) - l.dispensed);

/** Refills not yet begun: whole fills left after the current one (0 when the first fill is still open). */
export const refillsLeftOf = (l: FillableLine) => Math.max(0, Math.ceil(remainingOf(l) / l.quantity) - 1);

/**
 * The earliest a line may be filled again: its last fill plus `percent` of its duration (a patient on a
 * 30-day course may refill from day 23 at 75%, not the day after). Null when nothing was dispensed yet.
 */
export function nextFillAt(l: FillableLine, percent: number): Date | null {
  if (!l.lastFilledAt) return null;
  return new Date(l.lastFilledAt.getTime() + Math.ceil((l.durationDays * percent) / 100) * DAY_MS);
}

/** Units the next fill gives: one prescribed quantity, or what is left when less. */
export const nextFillUnits = (l: FillableLine) => Math.min(l.quantity, remainingOf(l));
