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
