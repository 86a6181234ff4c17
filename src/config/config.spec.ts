import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { DEV_JWT_SECRET } from './config.schema.js';
import { hkdfSync } from 'node:crypto';

const deriveExpected = (secret: string) => {
  const k = (label: string) =>
    Buffer.from(hkdfSync('sha256', secret, 'medyour', `medyour/${label}/v1`, 32)).toString('hex');
  return { tokens: k('tokens'), codes: k('codes'), files: k('files') };
};

const SECRET = 'a-production-secret-that-is-long-enough-0123';
const PROD = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u:p@db:5432/medyour',
  JWT_SECRET: SECRET,
  VIDEO_JITSI_SECRET: 'a-production-video-secret-long-enough-0123',
  PRESCRIPTION_SIGNING_KEYS: 'rx-2026:MC4CAQAwBQYDK2VwBCIEID7epUqUSCTNtqbExBi03m5fNWZBgVn1I1S0a5wrhe4a',
};

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('boots development with safe defaults from an empty environment', () => {
    const c = loadConfig({});
    expect(c.env).toBe('development');
    expect(c.production).toBe(false);
    expect(c.http.port).toBe(3000);
    expect(c.http.host).toBe('0.0.0.0');
    expect(c.http.corsOrigins).toEqual([]);
    expect(c.http.trustProxy).toBe(false);
    expect(c.database.url).toBeUndefined();
    expect(c.database.migrateOnBoot).toBe(true);
    expect(c.redis).toBeUndefined();
    expect(c.seedDemo).toBe(true);
    expect(c.auth.keys).toEqual(deriveExpected(DEV_JWT_SECRET));
    expect(c.auth.admin).toEqual({ email: undefined, password: undefined });
    expect(c.storage.driver).toBe('local');
    expect(c.messaging.emailDriver).toBe('console');
  });

  it('coerces numbers and booleans and treats empty strings as unset', () => {
    const c = loadConfig({
      PORT: '8080',
      TRUST_PROXY: '2',
      SEED_DEMO: '0',
      DATABASE_URL: '',
      REDIS_URL: 'redis://r:6379',
    });
    expect(c.http.port).toBe(8080);
    expect(c.http.trustProxy).toBe(2);
    expect(c.seedDemo).toBe(false);
    expect(c.database.url).toBeUndefined();
    expect(c.redis).toEqual({ url: 'redis://r:6379', keyPrefix: 'medyour:' });
  });

  it('passes the admin bootstrap values through (boot needs both; the CLI takes the email as a flag)', () => {
    expect(loadConfig({ ADMIN_EMAIL: 'admin@example.com' }).auth.admin).toEqual({
      email: 'admin@example.com',
      password: undefined,
    });
    expect(loadConfig({ ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'pw' }).auth.admin).toEqual({
      email: 'admin@example.com',
      password: 'pw',
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'not-a-url'],
    ['REDIS_URL', 'nope'],
    ['JWT_SECRET', 'too-short'],
    ['NODE_ENV', 'staging'],
    ['TRUST_PROXY', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['STORAGE_DRIVER', 'ftp'],
    ['ADMIN_EMAIL', 'not-an-email'],
  ])('rejects %s=%s with a ConfigError naming the variable', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.name).toBe('ConfigError');
    expect(err.message).toMatch(/^Invalid configuration: /);
    expect(err.message).toContain(`${name}:`);
  });

  it('says why a short JWT_SECRET is rejected without echoing it', () => {
    const err = configError({ JWT_SECRET: 'short-secret-value' });
    expect(err.message).toContain('JWT_SECRET: must be at least 32 characters');
    expect(err.message).not.toContain('short-secret-value');
  });

  it('names every bad variable at once', () => {
    const err = configError({ PORT: 'abc', DATABASE_URL: 'not-a-url' });
    expect(err.message).toContain('PORT:');
    expect(err.message).toContain('DATABASE_URL:');
  });

  it('requires SMTP_URL when EMAIL_DRIVER=smtp', () => {
    expect(configError({ EMAIL_DRIVER: 'smtp' }).message).toContain('SMTP_URL');
    expect(loadConfig({ EMAIL_DRIVER: 'smtp', SMTP_URL: 'smtp://mail:25' }).messaging.smtpUrl).toBe('smtp://mail:25');
  });

  it('keeps card payments off unless a gateway is configured, and a configured one needs its secrets', () => {
    expect(loadConfig({}).payments.card).toMatchObject({
      gateway: 'none',
      successUrl: 'http://localhost:3000/payments/success',
      sessionTtlMinutes: 30,
    });
    expect(configError({ CARD_GATEWAY: 'stripe' }).message).toContain('STRIPE_SECRET_KEY');
    expect(
      loadConfig({ CARD_GATEWAY: 'stripe', STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).payments
        .card.gateway,
    ).toBe('stripe');
    expect(configError({ TOP_UP_MIN_MINOR: '500', TOP_UP_MAX_MINOR: '100' }).message).toContain('TOP_UP_MIN_MINOR');
    expect(configError({ CARD_SESSION_TTL_MINUTES: '10' }).message).toContain('CARD_SESSION_TTL_MINUTES');
  });

  describe('production', () => {
    it('boots with a database URL and a real secret', () => {
      const c = loadConfig(PROD);
      expect(c.production).toBe(true);
      expect(c.database.url).toBe(PROD.DATABASE_URL);
      expect(c.auth.keys).toEqual(deriveExpected(SECRET));
    });

    it('refuses to boot without DATABASE_URL', () => {
      const err = configError({ ...PROD, DATABASE_URL: undefined });
      expect(err.message).toMatch(/^Refusing to boot in production/);
      expect(err.message).toContain('DATABASE_URL');
    });

    it('refuses to boot with the development JWT secret, explicit or defaulted', () => {
      for (const JWT_SECRET of [DEV_JWT_SECRET, undefined]) {
        const err = configError({ ...PROD, JWT_SECRET });
        expect(err.message).toMatch(/^Refusing to boot in production/);
        expect(err.message).toContain('JWT_SECRET');
      }
    });

    it('requires the S3 bucket and secret key when STORAGE_DRIVER=s3', () => {
      const s3 = { ...PROD, STORAGE_DRIVER: 's3', STORAGE_S3_BUCKET: 'files', STORAGE_S3_SECRET_ACCESS_KEY: 'sk' };
      expect(loadConfig(s3).storage.s3.bucket).toBe('files');
      for (const missing of ['STORAGE_S3_BUCKET', 'STORAGE_S3_SECRET_ACCESS_KEY']) {
        const err = configError({ ...s3, [missing]: undefined });
        expect(err.message).toMatch(/^Refusing to boot in production/);
        expect(err.message).toContain(missing);
      }
    });

    it('requires a bucket for STORAGE_DRIVER=s3 outside production too (no silent fallback to local disk)', () => {
      const err = configError({ STORAGE_DRIVER: 's3' });
      expect(err.message).toContain('STORAGE_S3_BUCKET');
    });

    it('does not need S3 settings for local storage', () => {
      expect(loadConfig({ ...PROD, STORAGE_DRIVER: 'local' }).storage.driver).toBe('local');
    });

    it('refuses EMAIL_DRIVER=smtp without SMTP_URL', () => {
      expect(configError({ ...PROD, EMAIL_DRIVER: 'smtp' }).message).toMatch(
        /^Refusing to boot in production: SMTP_URL/,
      );
    });

    it('refuses CARD_GATEWAY=stripe without its secrets and return URLs, or pointed away from Stripe', () => {
      const card = {
        ...PROD,
        CARD_GATEWAY: 'stripe',
        STRIPE_SECRET_KEY: 'sk_live_x',
        STRIPE_WEBHOOK_SECRET: 'whsec_x',
        CARD_SUCCESS_URL: 'https://app.example.com/paid',
        CARD_CANCEL_URL: 'https://app.example.com/cart',
      };
      expect(loadConfig(card).payments.card).toMatchObject({ gateway: 'stripe', successUrl: card.CARD_SUCCESS_URL });
      for (const missing of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'CARD_SUCCESS_URL', 'CARD_CANCEL_URL']) {
        const err = configError({ ...card, [missing]: undefined });
        expect(err.message).toMatch(/^Refusing to boot in production/);
        expect(err.message).toContain(missing);
      }
      expect(configError({ ...card, STRIPE_API_BASE_URL: 'http://127.0.0.1:9' }).message).toMatch(
        /^Refusing to boot in production: STRIPE_API_BASE_URL/,
      );
    });

    it('does not migrate on boot unless MIGRATE_ON_BOOT=true', () => {
      expect(loadConfig(PROD).database.migrateOnBoot).toBe(false);
      expect(loadConfig({ ...PROD, MIGRATE_ON_BOOT: 'true' }).database.migrateOnBoot).toBe(true);
    });

    it('never seeds demo data, even when asked', () => {
      expect(loadConfig(PROD).seedDemo).toBe(false);
      expect(loadConfig({ ...PROD, SEED_DEMO: 'true' }).seedDemo).toBe(false);
    });
  });

  it('lets development opt out of migrating on boot', () => {
    expect(loadConfig({ MIGRATE_ON_BOOT: 'false' }).database.migrateOnBoot).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).database.migrateOnBoot).toBe(true);
  });

  it('keeps money in EGP unless CURRENCY names another ISO 4217 code (never the points unit)', () => {
    expect(loadConfig({}).payments.currency).toBe('EGP');
    expect(loadConfig({ CURRENCY: 'SAR' }).payments.currency).toBe('SAR');
    expect(configError({ CURRENCY: 'egp' }).message).toMatch(/CURRENCY: must be an ISO 4217 code/);
    expect(configError({ CURRENCY: 'PTS' }).message).toMatch(/CURRENCY: PTS is the loyalty points unit/);
  });

  it('splits CORS_ORIGINS into a trimmed list without empty entries', () => {
    const c = loadConfig({ CORS_ORIGINS: ' https://a.example , https://b.example,,' });
    expect(c.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('returns a deeply frozen object', () => {
    const c = loadConfig({ CORS_ORIGINS: 'https://a.example', REDIS_URL: 'redis://r:6379' });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
    expect(Object.isFrozen(c.http.corsOrigins)).toBe(true);
    expect(Object.isFrozen(c.storage.s3)).toBe(true);
    expect(Object.isFrozen(c.rateLimit.loginPerIp)).toBe(true);
    expect(Object.isFrozen(c.redis)).toBe(true);
    expect(() => {
      (c.http as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => (c.http.corsOrigins as string[]).push('https://evil.example')).toThrow(TypeError);
    expect(c.http.port).toBe(3000);
  });

  describe('TRUST_PROXY (a forged X-Forwarded-For must not choose the client address)', () => {
    it.each([
      ['false', false],
      ['0', false],
      ['1', 1],
      ['3', 3],
      ['10.0.0.0/8', ['10.0.0.0/8']],
      [' 10.0.0.1 , 192.168.0.0/16,::1, fd00::/8 ', ['10.0.0.1', '192.168.0.0/16', '::1', 'fd00::/8']],
      ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
    ])('accepts %s', (value, expected) => {
      expect(loadConfig({ TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
    });

    it.each(['true', 'yes', 'TRUE', '10.0.0.0/33', '300.1.1.1', 'proxy.example.com', '10.0.0.1/8/1', ',', '-1'])(
      'refuses %s (true trusts every hop; anything else must be a hop count or addresses)',
      (value) => {
        expect(configError({ TRUST_PROXY: value }).message).toContain('TRUST_PROXY:');
      },
    );
  });

  describe('secrets and token lifetimes (weak defaults)', () => {
    const DB = 'postgres://u:p@db:5432/medyour';

    it('refuses the public development JWT secret with a real database outside tests, explicit or defaulted', () => {
      for (const NODE_ENV of ['development', undefined]) {
        for (const JWT_SECRET of [DEV_JWT_SECRET, undefined]) {
          const err = configError({ NODE_ENV, DATABASE_URL: DB, JWT_SECRET });
          expect(err.message).toContain('JWT_SECRET:');
          expect(err.message).not.toContain(DEV_JWT_SECRET);
        }
      }
    });

    it('accepts the development secret in embedded mode (no DATABASE_URL) and in tests', () => {
      expect(loadConfig({}).auth.keys.tokens).toMatch(/^[0-9a-f]{64}$/);
      expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: DB }).database.url).toBe(DB);
      expect(loadConfig({ DATABASE_URL: DB, JWT_SECRET: SECRET }).database.url).toBe(DB);
    });

    it.each(['0', '1', '59'])('refuses ACCESS_TOKEN_TTL_SECONDS=%s (below 60)', (ttl) => {
      expect(configError({ ACCESS_TOKEN_TTL_SECONDS: ttl }).message).toContain('ACCESS_TOKEN_TTL_SECONDS:');
    });

    it('accepts ACCESS_TOKEN_TTL_SECONDS from 60', () => {
      expect(loadConfig({ ACCESS_TOKEN_TTL_SECONDS: '60' }).auth.accessTokenTtlSeconds).toBe(60);
      expect(loadConfig({}).auth.accessTokenTtlSeconds).toBe(900);
    });

    it('derives separate 256-bit keys for tokens, code hashes and file links, none equal to the secret', () => {
      const { keys } = loadConfig({ JWT_SECRET: SECRET }).auth;
      const all = [keys.tokens, keys.codes, keys.files];
      expect(new Set(all).size).toBe(3);
      for (const k of all) {
        expect(k).toMatch(/^[0-9a-f]{64}$/);
        expect(k).not.toContain(SECRET);
      }
      // Deterministic: every node of a deployment derives the same keys from the same secret.
      expect(loadConfig({ JWT_SECRET: SECRET }).auth.keys).toEqual(keys);
      expect(loadConfig({ JWT_SECRET: SECRET + 'x' }).auth.keys.tokens).not.toBe(keys.tokens);
      expect(Object.keys(loadConfig({}).auth)).not.toContain('jwtSecret');
    });
  });

  describe('idempotency retention', () => {
    it('defaults to keys kept 24 h and claims taken over after 60 s', () => {
      expect(loadConfig({}).http.idempotency).toEqual({ keyTtlHours: 24, claimTimeoutSeconds: 60 });
      expect(
        loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '48', IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS: '30' }).http.idempotency,
      ).toEqual({ keyTtlHours: 48, claimTimeoutSeconds: 30 });
    });

    it.each([
      ['IDEMPOTENCY_KEY_TTL_HOURS', '0'],
      ['IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS', '1'],
    ])('refuses %s=%s', (name, value) => {
      expect(configError({ [name]: value }).message).toContain(`${name}:`);
    });
  });

  describe('loyalty', () => {
    it('defaults to a point per 100 minor units, worth 1, half an order at most, a year, no Rx lines', () => {
      expect(loadConfig({}).loyalty).toEqual({
        earnPoints: 1,
        earnPerMinor: 100,
        pointValueMinor: 1,
        capPercent: 50,
        capPoints: 0,
        expiryDays: 365,
        rxLines: false,
      });
      expect(loadConfig({ LOYALTY_POINT_VALUE_MINOR: '10', LOYALTY_RX_LINES: 'true' }).loyalty).toMatchObject({
        pointValueMinor: 10,
        rxLines: true,
      });
    });

    it.each([
      ['LOYALTY_EARN_PER_MINOR', '0'],
      ['LOYALTY_POINT_VALUE_MINOR', '0'],
      ['LOYALTY_CAP_PERCENT', '101'],
      ['LOYALTY_EXPIRY_DAYS', '0'],
      ['LOYALTY_EARN_POINTS', '-1'],
    ])('refuses %s=%s', (name, value) => {
      expect(configError({ [name]: value }).message).toContain(`${name}:`);
    });
  });
});
