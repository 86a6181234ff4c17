import { describe, expect, it } from 'vitest';
import { ALLOWED_TYPES, FILE_PURPOSES, signDownload, verifyDownload } from './files.rules.js';

const SECRET = 'download-signing-secret-0123456789abcdef';
const FILE = '0190a0c8-0000-7000-8000-00000000f11e';
const NOW_MS = Date.UTC(2025, 0, 1, 12, 0, 0);
const EXPIRES = NOW_MS / 1000 + 300;

describe('signDownload / verifyDownload', () => {
  const sig = signDownload(SECRET, FILE, EXPIRES);

  it('signs deterministically with a url-safe HMAC-SHA256', () => {
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signDownload(SECRET, FILE, EXPIRES)).toBe(sig);
  });

  it('accepts a valid link until (and at) its expiry second', () => {
    expect(verifyDownload(SECRET, FILE, EXPIRES, sig, NOW_MS)).toBe(true);
    expect(verifyDownload(SECRET, FILE, EXPIRES, sig, EXPIRES * 1000)).toBe(true);
  });

  it('rejects an expired link', () => {
    expect(verifyDownload(SECRET, FILE, EXPIRES, sig, EXPIRES * 1000 + 1)).toBe(false);
    const past = NOW_MS / 1000 - 1;
    expect(verifyDownload(SECRET, FILE, past, signDownload(SECRET, FILE, past), NOW_MS)).toBe(false);
  });

  it('rejects a tampered file id, expiry or signature, or another secret', () => {
    expect(verifyDownload(SECRET, FILE.replace(/e$/, 'f'), EXPIRES, sig, NOW_MS)).toBe(false);
    expect(verifyDownload(SECRET, FILE, EXPIRES + 3600, sig, NOW_MS)).toBe(false);
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(verifyDownload(SECRET, FILE, EXPIRES, flipped, NOW_MS)).toBe(false);
    expect(verifyDownload('another-secret-0123456789abcdef0123', FILE, EXPIRES, sig, NOW_MS)).toBe(false);
  });

  it('rejects a signature of the wrong length without throwing', () => {
    expect(verifyDownload(SECRET, FILE, EXPIRES, sig.slice(0, -1), NOW_MS)).toBe(false);
    expect(verifyDownload(SECRET, FILE, EXPIRES, sig + 'A', NOW_MS)).toBe(false);
    expect(verifyDownload(SECRET, FILE, EXPIRES, '', NOW_MS)).toBe(false);
    // Same character count, different byte length.
    expect(verifyDownload(SECRET, FILE, EXPIRES, 'é'.repeat(43), NOW_MS)).toBe(false);
  });

  it('rejects a non-integer or non-finite expiry', () => {
    for (const bad of [EXPIRES + 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(verifyDownload(SECRET, FILE, bad, signDownload(SECRET, FILE, bad), NOW_MS)).toBe(false);
    }
  });
});

describe('upload rules', () => {
  it('allows only images and PDFs', () => {
    expect(Object.keys(ALLOWED_TYPES).sort()).toEqual(['application/pdf', 'image/jpeg', 'image/png', 'image/webp']);
    expect(FILE_PURPOSES).toContain('prescription');
  });
});
