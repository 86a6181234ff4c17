import { createHmac, timingSafeEqual } from 'node:crypto';

/** What may be uploaded, decided from the bytes (never the client's Content-Type). */
export const ALLOWED_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

export const FILE_PURPOSES = ['prescription', 'avatar', 'attachment', 'document'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

/** Signature of a local download link: HMAC over id and expiry. */
export function signDownload(secret: string, fileId: string, expires: number): string {
  return createHmac('sha256', secret).update(`file:${fileId}:${expires}`).digest('base64url');
}

export function verifyDownload(
  secret: string,
  fileId: string,
  expires: number,
  signature: string,
  nowMs: number,
): boolean {
  if (!Number.isInteger(expires) || expires * 1000 < nowMs) return false;
  const expected = Buffer.from(signDownload(secret, fileId, expires));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** C0/C1 controls (NUL included: PostgreSQL text cannot hold it) and the bidi marks, embeddings and overrides. */
const unsafeInName = (cp: number) =>
  cp <= 0x1f ||
  (cp >= 0x7f && cp <= 0x9f) ||
  cp === 0x061c ||
  cp === 0x200e ||
  cp === 0x200f ||
  (cp >= 0x202a && cp <= 0x202e) ||
  (cp >= 0x2066 && cp <= 0x2069);

/**
 * The client's file name as kept for display: no control characters, no bidi controls (U+202E shows
 * "rx\u202Efdp.exe" as "rxexe.pdf" on a pharmacist's screen), no lone surrogates, at most 255 code points.
 * Undefined when nothing is left.
 */
export function cleanFileName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const wellFormed = Buffer.from(name, 'utf8').toString('utf8');
  const kept = [...wellFormed].filter((ch) => !unsafeInName(ch.codePointAt(0)!));
  return kept.slice(0, 255).join('').trim() || undefined;
}
