import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  hashOtp,
  hashToken,
  loginThrottleKeys,
  newOtp,
  newRefreshToken,
  sameHash,
  signAccessToken,
  verifyAccessToken,
  type AccessClaims,
} from './identity.tokens.js';

const secret = new TextEncoder().encode('a-test-secret-that-is-at-least-32-bytes');
const otherSecret = new TextEncoder().encode('another-test-secret-of-at-least-32-bytes');
const claims: AccessClaims = {
  sub: '0190a0c8-0000-7000-8000-000000000001',
  sid: '0190a0c8-0000-7000-8000-000000000002',
  sv: 3,
};

/** A token signed like ours, with full control over its claims. */
function forge(
  payload: Record<string, unknown>,
  opts: { sub?: string; exp?: number; iss?: string; aud?: string } = {},
) {
  let jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(opts.iss ?? 'medyour')
    .setAudience(opts.aud ?? 'medyour-api')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m');
  if (opts.sub !== undefined) jwt = jwt.setSubject(opts.sub);
  return jwt.sign(secret);
}

describe('access tokens', () => {
  it('round-trips the claims', async () => {
    const token = await signAccessToken(claims, secret, 60);
    expect(token.split('.')).toHaveLength(3);
    expect(await verifyAccessToken(token, secret)).toEqual(claims);
  });

  it('a forged token with our exact claims verifies (the helper is faithful)', async () => {
    expect(
      await verifyAccessToken(await forge({ sid: claims.sid, sv: claims.sv }, { sub: claims.sub }), secret),
    ).toEqual(claims);
  });

  it('rejects a token signed with another secret', async () => {
    const token = await signAccessToken(claims, otherSecret, 60);
    expect(await verifyAccessToken(token, secret)).toBeUndefined();
  });

  it('rejects an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 10;
    const token = await forge({ sid: claims.sid, sv: claims.sv }, { sub: claims.sub, exp: past });
    expect(await verifyAccessToken(token, secret)).toBeUndefined();
  });

  it('rejects a token once its ttl has passed', async () => {
    const token = await signAccessToken(claims, secret, 1);
    expect(await verifyAccessToken(token, secret)).toEqual(claims);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await verifyAccessToken(token, secret)).toBeUndefined();
  });

  it('rejects a tampered payload or signature', async () => {
    const token = await signAccessToken(claims, secret, 60);
    const [header, payload, signature] = token.split('.');
    const evil = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'someone-else' }),
    ).toString('base64url');
    expect(await verifyAccessToken(`${header}.${evil}.${signature}`, secret)).toBeUndefined();
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(await verifyAccessToken(`${header}.${payload}.${flipped}`, secret)).toBeUndefined();
    expect(await verifyAccessToken('not.a.token', secret)).toBeUndefined();
    expect(await verifyAccessToken('', secret)).toBeUndefined();
  });

  it('rejects an unsigned (alg none) token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const body = { ...claims, iss: 'medyour', aud: 'medyour-api', iat: now, exp: now + 60 };
    const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
    expect(await verifyAccessToken(`${header}.${payload}.`, secret)).toBeUndefined();
  });

  it('rejects a token for another issuer or audience', async () => {
    expect(
      await verifyAccessToken(await forge({ sid: claims.sid, sv: 1 }, { sub: claims.sub, iss: 'other' }), secret),
    ).toBeUndefined();
    expect(
      await verifyAccessToken(await forge({ sid: claims.sid, sv: 1 }, { sub: claims.sub, aud: 'other' }), secret),
    ).toBeUndefined();
  });

  it('rejects a token missing or mistyping any claim', async () => {
    expect(await verifyAccessToken(await forge({ sid: claims.sid, sv: 1 }), secret)).toBeUndefined(); // no sub
    expect(await verifyAccessToken(await forge({ sv: 1 }, { sub: claims.sub }), secret)).toBeUndefined(); // no sid
    expect(await verifyAccessToken(await forge({ sid: claims.sid }, { sub: claims.sub }), secret)).toBeUndefined(); // no sv
    expect(
      await verifyAccessToken(await forge({ sid: claims.sid, sv: '1' }, { sub: claims.sub }), secret),
    ).toBeUndefined();
    expect(await verifyAccessToken(await forge({ sid: 7, sv: 1 }, { sub: claims.sub }), secret)).toBeUndefined();
  });
});

describe('refresh tokens and hashes', () => {
  it('newRefreshToken is 256 random bits in base64url', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newRefreshToken()));
    expect(tokens.size).toBe(200);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    }
  });

  it('hashToken is deterministic lowercase SHA-256 hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('abc')).toBe(hashToken('abc'));
    expect(hashToken('abd')).not.toBe(hashToken('abc'));
    expect(hashToken(newRefreshToken())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('newOtp is always six digits, zero-padded', () => {
    const codes = Array.from({ length: 2_000 }, () => newOtp());
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1_900);
  });

  it('hashOtp is deterministic and depends on every input', () => {
    const base = hashOtp('secret', 'user-1', 'login', '123456');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOtp('secret', 'user-1', 'login', '123456')).toBe(base);
    const variants = [
      hashOtp('secret2', 'user-1', 'login', '123456'),
      hashOtp('secret', 'user-2', 'login', '123456'),
      hashOtp('secret', 'user-1', 'reset', '123456'),
      hashOtp('secret', 'user-1', 'login', '123457'),
    ];
    for (const v of variants) expect(v).not.toBe(base);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('sameHash compares exactly, including different lengths', () => {
    const h = hashToken('x');
    expect(sameHash(h, hashToken('x'))).toBe(true);
    expect(sameHash(h, hashToken('y'))).toBe(false);
    expect(sameHash(h, h.slice(0, -1))).toBe(false);
    expect(sameHash(h, h + '0')).toBe(false);
    expect(sameHash('', '')).toBe(true);
  });

  it('loginThrottleKeys ignore case and surrounding whitespace but not the identifier or the address', () => {
    const keys = loginThrottleKeys('Mona@Example.com', '198.51.100.7');
    expect(keys.pairKey).toMatch(/^pair:[0-9a-f]{64}$/);
    expect(keys.backstopKey).toMatch(/^ident:[0-9a-f]{64}$/);
    expect(loginThrottleKeys('  mona@example.COM \n', '198.51.100.7')).toEqual(keys);
    expect(loginThrottleKeys('mona2@example.com', '198.51.100.7').backstopKey).not.toBe(keys.backstopKey);
    const elsewhere = loginThrottleKeys('mona@example.com', '198.51.100.8');
    expect(elsewhere.pairKey).not.toBe(keys.pairKey);
    expect(elsewhere.backstopKey).toBe(keys.backstopKey);
    expect(JSON.stringify(keys)).not.toContain('mona');
  });
});
