import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

const ISSUER = 'medyour';
const AUDIENCE = 'medyour-api';

export interface AccessClaims {
  sub: string;
  sid: string;
  sv: number;
}

export async function signAccessToken(claims: AccessClaims, secret: Uint8Array, ttlSeconds: number): Promise<string> {
  return new SignJWT({ sid: claims.sid, sv: claims.sv })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(secret);
}

/** Returns the claims, or undefined for any bad, expired or foreign token. */
export async function verifyAccessToken(token: string, secret: Uint8Array): Promise<AccessClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.sv !== 'number')
      return undefined;
    return { sub: payload.sub, sid: payload.sid, sv: payload.sv };
  } catch {
    return undefined;
  }
}

/** Opaque refresh token: 256 random bits; only its SHA-256 is stored. */
export const newRefreshToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
/**
 * The token a refresh token rotates into: HMAC(key, old token). The same old token always rotates to the
 * same successor, so a second tab presenting the just-rotated token within the grace window can be given
 * the pair the first tab got, with no raw token stored anywhere (the table keeps SHA-256 hashes only).
 * Forging a successor needs the server key; the first token of a family is random.
 */
export const successorRefreshToken = (key: Uint8Array, token: string) =>
  createHmac('sha256', key).update(token).digest('base64url');
/** A key of its own for successor derivation, derived (domain-separated) from the token-signing key. */
export const refreshSuccessorKey = (tokensKey: string) =>
  createHmac('sha256', tokensKey).update('medyour/refresh-token-successor/v1').digest();

export const newOtp = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
/** Keyed hash: a leaked table alone does not let anyone test 10^6 codes offline. */
export const hashOtp = (secret: string, userId: string, purpose: string, code: string) =>
  createHmac('sha256', secret).update(`${userId}:${purpose}:${code}`).digest('hex');
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
/**
 * Login throttle keys (LoginThrottleService): per identifier + client address, and per identifier. Named by
 * the identifier as typed (trimmed, any case), whether or not an account holds it, so an unknown identifier
 * is throttled exactly like a known one.
 */
export function loginThrottleKeys(identifier: string, ip: string): { pairKey: string; backstopKey: string } {
  const id = identifier.trim().toLowerCase();
  const digest = (s: string) => createHash('sha256').update(s).digest('hex');
  return { pairKey: 'pair:' + digest(`${id}\n${ip}`), backstopKey: 'ident:' + digest(id) };
}
