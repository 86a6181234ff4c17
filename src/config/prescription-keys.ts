import { createPrivateKey, createPublicKey, hkdfSync } from 'node:crypto';

/**
 * The Ed25519 keys that sign e-prescriptions, by key id (config: PRESCRIPTION_SIGNING_KEYS, _SIGNING_KEY_ID,
 * _VERIFY_KEYS). Keys are kept as base64 DER (PKCS#8 private, SPKI public) so they fit one env line; the
 * prescriptions module turns them into KeyObjects. Every prescription stores the key id it was signed with:
 * rotating means adding a key, making it active, and moving the old one to the verify-only list.
 */
export interface PrescriptionKeys {
  activeKeyId: string;
  /** The active key's PKCS#8 DER, base64. */
  privateKey: string;
  /** Every key id that verifies (the signing keys and the retired ones) → SPKI DER, base64. */
  publicKeys: Record<string, string>;
  /** True when derived from JWT_SECRET (development and tests only; production refuses it). */
  derived: boolean;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** DER prefix of an Ed25519 PKCS#8 private key whose 32-byte seed follows (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class PrescriptionKeyError extends Error {}

function parseList(name: string, value: string): [string, string][] {
  return value.split(',').map((entry) => {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at).trim();
    const key = entry.slice(at + 1).trim();
    if (at < 1 || !KEY_ID.test(id) || !key)
      throw new PrescriptionKeyError(`${name}: each entry is keyId:base64-DER (key ids: letters, digits, . _ -)`);
    return [id, key];
  });
}

const spkiOf = (der: Buffer, type: 'pkcs8' | 'spki', name: string, id: string): string => {
  try {
    const key =
      type === 'pkcs8'
        ? createPublicKey(createPrivateKey({ key: der, format: 'der', type }))
        : createPublicKey({ key: der, format: 'der', type });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    return key.export({ format: 'der', type: 'spki' }).toString('base64');
  } catch {
    throw new PrescriptionKeyError(
      `${name}: key ${id} is not an Ed25519 ${type === 'pkcs8' ? 'PKCS#8' : 'SPKI'} DER key`,
    );
  }
};

/**
 * Parses the configured keys. Without PRESCRIPTION_SIGNING_KEYS a key is derived from the JWT secret
 * (HKDF, deterministic: every node of a development deployment signs alike); the caller refuses that in
 * production.
 */
export function prescriptionKeys(input: {
  signingKeys?: string;
  activeKeyId?: string;
  verifyKeys?: string;
  jwtSecret: string;
}): PrescriptionKeys {
  const signing = input.signingKeys ? parseList('PRESCRIPTION_SIGNING_KEYS', input.signingKeys) : [];
  const derived = signing.length === 0;
  if (derived) {
    const seed = Buffer.from(hkdfSync('sha256', input.jwtSecret, 'medyour', 'medyour/prescriptions/v1', 32));
    signing.push(['dev-1', Buffer.concat([PKCS8_ED25519_PREFIX, seed]).toString('base64')]);
  }
  const publicKeys: Record<string, string> = {};
  for (const [id, key] of signing)
    publicKeys[id] = spkiOf(Buffer.from(key, 'base64'), 'pkcs8', 'PRESCRIPTION_SIGNING_KEYS', id);
  for (const [id, key] of input.verifyKeys ? parseList('PRESCRIPTION_VERIFY_KEYS', input.verifyKeys) : []) {
    const spki = spkiOf(Buffer.from(key, 'base64'), 'spki', 'PRESCRIPTION_VERIFY_KEYS', id);
    if (publicKeys[id] && publicKeys[id] !== spki)
      throw new PrescriptionKeyError(`PRESCRIPTION_VERIFY_KEYS: key id ${id} names two different keys`);
    publicKeys[id] = spki;
  }
  const activeKeyId = input.activeKeyId ?? signing[0]![0];
  const active = signing.find(([id]) => id === activeKeyId);
  if (!active)
    throw new PrescriptionKeyError('PRESCRIPTION_SIGNING_KEY_ID: must name a key of PRESCRIPTION_SIGNING_KEYS');
  return { activeKeyId, privateKey: active[1], publicKeys, derived };
}
