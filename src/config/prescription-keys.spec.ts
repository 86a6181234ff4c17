import { generateKeyPairSync, sign, verify, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { PrescriptionKeyError, prescriptionKeys } from './prescription-keys.js';

const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    pkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    spki: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
};
const SECRET = 'a-production-secret-that-is-long-enough-0123';

describe('prescription signing keys', () => {
  it('derives one deterministic development key from the JWT secret, and a different one per secret', () => {
    const a = prescriptionKeys({ jwtSecret: SECRET });
    expect(a).toEqual(prescriptionKeys({ jwtSecret: SECRET }));
    expect(a.derived).toBe(true);
    expect(a.activeKeyId).toBe('dev-1');
    expect(prescriptionKeys({ jwtSecret: `${SECRET}x` }).privateKey).not.toBe(a.privateKey);
    // The derived key signs and its public half verifies.
    const key = createPrivateKey({ key: Buffer.from(a.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    const pub = createPublicKey({ key: Buffer.from(a.publicKeys['dev-1']!, 'base64'), format: 'der', type: 'spki' });
    expect(verify(null, Buffer.from('x'), pub, sign(null, Buffer.from('x'), key))).toBe(true);
  });

  it('rotates by key id: the active key signs, old ones (private or public only) still verify', () => {
    const [k1, k2, k0] = [pair(), pair(), pair()];
    const keys = prescriptionKeys({
      signingKeys: `k1:${k1.pkcs8}, k2:${k2.pkcs8}`,
      activeKeyId: 'k2',
      verifyKeys: `k0:${k0.spki}`,
      jwtSecret: SECRET,
    });
    expect(keys).toMatchObject({ activeKeyId: 'k2', privateKey: k2.pkcs8, derived: false });
    expect(keys.publicKeys).toEqual({ k1: k1.spki, k2: k2.spki, k0: k0.spki });
    expect(prescriptionKeys({ signingKeys: `k1:${k1.pkcs8}`, jwtSecret: SECRET }).activeKeyId).toBe('k1');
  });

  it('refuses malformed entries, a non-Ed25519 key, an unknown active id and one id for two keys', () => {
    const k = pair();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'der', type: 'pkcs8' });
    for (const input of [
      { signingKeys: 'no-colon' },
      { signingKeys: `bad id:${k.pkcs8}` },
      { signingKeys: 'k1:bm90IGEga2V5' },
      { signingKeys: `k1:${rsa.toString('base64')}` },
      { signingKeys: `k1:${k.pkcs8}`, activeKeyId: 'k9' },
      { signingKeys: `k1:${k.pkcs8}`, verifyKeys: `k1:${pair().spki}` },
    ])
      expect(() => prescriptionKeys({ ...input, jwtSecret: SECRET })).toThrow(PrescriptionKeyError);
  });

  it('config: production refuses to boot without configured keys; a bad key names the variable, never the key', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/m',
      JWT_SECRET: SECRET,
      VIDEO_JITSI_SECRET: 'a-production-video-secret-long-enough-0123',
    };
    const attempt = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        return err as Error;
      }
      return undefined;
    };
    expect(attempt(prod)?.message).toBe('Refusing to boot in production: PRESCRIPTION_SIGNING_KEYS is not set');
    expect(attempt(prod)).toBeInstanceOf(ConfigError);
    expect(attempt({ ...prod, PRESCRIPTION_SIGNING_KEYS: `rx-1:${pair().pkcs8}` })).toBeUndefined();
    const secret = 'k1:bm90IGEga2V5';
    const bad = attempt({ PRESCRIPTION_SIGNING_KEYS: secret });
    expect(bad?.message).toMatch(/^Invalid configuration: PRESCRIPTION_SIGNING_KEYS/);
    expect(bad?.message).not.toContain('bm90IGEga2V5');
    const dev = loadConfig({});
    expect(dev.prescriptions.keys.derived).toBe(true);
    expect(dev.prescriptions.verifyUrl).toMatch(/\/v1\/prescriptions\/verify$/);
  });
});
