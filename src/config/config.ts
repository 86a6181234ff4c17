import { hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { DEV_JWT_SECRET, DEV_VIDEO_SECRET, envSchema } from './config.schema.js';
import { PrescriptionKeyError, prescriptionKeys } from './prescription-keys.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function buildConfig(env: z.infer<typeof envSchema>) {
  const production = env.NODE_ENV === 'production';
  return {
    env: env.NODE_ENV,
    production,
    http: {
      port: env.PORT,
      host: env.HOST,
      publicUrl: publicUrlOf(env),
      corsOrigins: env.CORS_ORIGINS,
      trustProxy: env.TRUST_PROXY,
      bodyLimit: env.BODY_LIMIT_BYTES,
      uploadLimit: env.UPLOAD_LIMIT_BYTES,
      importLimit: env.IMPORT_LIMIT_BYTES,
      idempotency: {
        keyTtlHours: env.IDEMPOTENCY_KEY_TTL_HOURS,
        claimTimeoutSeconds: env.IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS,
      },
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    },
    logLevel: env.LOG_LEVEL,
    dataDir: env.DATA_DIR,
    database: {
      url: env.DATABASE_URL,
      poolMax: env.DATABASE_POOL_MAX,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      // `npm start` (embedded) always migrates; a production process only when asked to.
      migrateOnBoot: env.MIGRATE_ON_BOOT ?? !production,
    },
    redis: env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } : undefined,
    jobs: {
      driver: env.REDIS_URL && env.JOBS_DRIVER !== 'in-process' ? ('bullmq' as const) : ('in-process' as const),
      concurrency: env.JOBS_CONCURRENCY,
      lockMs: env.JOBS_LOCK_MS,
    },
    seedDemo: env.SEED_DEMO && !production,
    auth: {
      // JWT_SECRET itself signs nothing: each use gets its own key, so a link signature or a code hash
      // can never be replayed as a token signature (or the reverse), and one use's key leaking costs only it.
      keys: deriveKeys(env.JWT_SECRET),
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      // One-time code budget per account and 24 h window (identity OtpService).
      codeBudget: { dailyCodes: env.OTP_DAILY_CODES, dailyWrongGuesses: env.OTP_DAILY_WRONG_GUESSES },
      lockoutThreshold: env.LOCKOUT_THRESHOLD,
      lockoutMinutes: env.LOCKOUT_MINUTES,
      loginBackstop: {
        freeFailures: env.LOGIN_BACKSTOP_FREE_FAILURES,
        windowMinutes: env.LOGIN_BACKSTOP_WINDOW_MINUTES,
        baseDelaySeconds: env.LOGIN_BACKSTOP_BASE_DELAY_SECONDS,
        maxDelaySeconds: env.LOGIN_BACKSTOP_MAX_DELAY_SECONDS,
      },
      refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
      // The first admin: created at boot when both are set and no admin exists; the CLI reads them too.
      admin: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD },
    },
    rateLimit: {
      loginPerAccount: {
        limit: env.RATE_LIMIT_LOGIN_PER_ACCOUNT,
        windowSeconds: env.RATE_LIMIT_LOGIN_ACCOUNT_WINDOW_SECONDS,
      },
      loginPerIp: { limit: env.RATE_LIMIT_LOGIN_PER_IP, windowSeconds: env.RATE_LIMIT_LOGIN_IP_WINDOW_SECONDS },
      default: { limit: env.RATE_LIMIT_DEFAULT, windowSeconds: env.RATE_LIMIT_DEFAULT_WINDOW_SECONDS },
    },
    cache: {
      l1TtlSeconds: env.CACHE_L1_TTL_SECONDS,
      l1MaxEntries: env.CACHE_L1_MAX_ENTRIES,
      searchTtlSeconds: env.SEARCH_CACHE_TTL_SECONDS,
    },
    storage: {
      driver: env.STORAGE_DRIVER,
      signedUrlTtlSeconds: env.SIGNED_URL_TTL_SECONDS,
      s3: {
        endpoint: env.STORAGE_S3_ENDPOINT,
        region: env.STORAGE_S3_REGION,
        bucket: env.STORAGE_S3_BUCKET,
        accessKeyId: env.STORAGE_S3_ACCESS_KEY_ID,
        secretAccessKey: env.STORAGE_S3_SECRET_ACCESS_KEY,
        forcePathStyle: env.STORAGE_S3_FORCE_PATH_STYLE,
      },
    },
    branches: {
      // Above this many active branches the whole set is too big to hold and scan per node: the GiST KNN
      // query serves nearest-first instead (0: always SQL).
      inMemoryMax: env.BRANCHES_IN_MEMORY_MAX,
    },
    inventory: {
      // Lots expiring within this many days are neither sold nor reserved (pharmacy practice: the patient
      // must be able to finish the pack).
      expiryMarginDays: env.STOCK_EXPIRY_MARGIN_DAYS,
      reservationTtlMinutes: env.RESERVATION_TTL_MINUTES,
    },
    payments: {
      currency: env.CURRENCY,
      card: {
        gateway: env.CARD_GATEWAY,
        stripe: {
          secretKey: env.STRIPE_SECRET_KEY,
          webhookSecret: env.STRIPE_WEBHOOK_SECRET,
          apiBaseUrl: env.STRIPE_API_BASE_URL,
          webhookToleranceSeconds: env.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        },
        successUrl: env.CARD_SUCCESS_URL ?? `${publicUrlOf(env)}/payments/success`,
        cancelUrl: env.CARD_CANCEL_URL ?? `${publicUrlOf(env)}/payments/cancel`,
        sessionTtlMinutes: env.CARD_SESSION_TTL_MINUTES,
        minMinor: env.CARD_MIN_MINOR,
      },
      topUp: { minMinor: env.TOP_UP_MIN_MINOR, maxMinor: env.TOP_UP_MAX_MINOR },
    },
    loyalty: {
      earnPoints: env.LOYALTY_EARN_POINTS,
      earnPerMinor: env.LOYALTY_EARN_PER_MINOR,
      pointValueMinor: env.LOYALTY_POINT_VALUE_MINOR,
      capPercent: env.LOYALTY_CAP_PERCENT,
      capPoints: env.LOYALTY_CAP_POINTS,
      expiryDays: env.LOYALTY_EXPIRY_DAYS,
      rxLines: env.LOYALTY_RX_LINES,
    },
    prescriptions: {
      uploadMaxBytes: env.PRESCRIPTION_UPLOAD_MAX_BYTES,
      keys: prescriptionKeysOf(env),
      verifyUrl: (env.PRESCRIPTION_VERIFY_URL ?? `${publicUrlOf(env)}/v1/prescriptions/verify`).replace(/\/+$/, ''),
      validityDays: env.PRESCRIPTION_VALIDITY_DAYS,
      controlledValidityDays: env.PRESCRIPTION_CONTROLLED_VALIDITY_DAYS,
      refillAfterPercent: env.PRESCRIPTION_REFILL_AFTER_PERCENT,
    },
    orders: {
      verificationTtlMinutes: env.ORDER_VERIFICATION_TTL_MINUTES,
      paymentTtlMinutes: env.ORDER_PAYMENT_TTL_MINUTES,
    },
    appointments: {
      freeCancelHours: env.APPOINTMENT_FREE_CANCEL_HOURS,
      lateCancelFeePercent: env.APPOINTMENT_LATE_CANCEL_FEE_PERCENT,
      rescheduleCap: env.APPOINTMENT_RESCHEDULE_CAP,
      noShowGraceMinutes: env.APPOINTMENT_NO_SHOW_GRACE_MINUTES,
      paymentTtlMinutes: env.APPOINTMENT_PAYMENT_TTL_MINUTES,
    },
    plans: {
      graceDays: env.PLAN_GRACE_DAYS,
    },
    consultations: {
      checkInEarlyMinutes: env.CONSULTATION_CHECK_IN_EARLY_MINUTES,
      chatAfterMinutes: env.CONSULTATION_CHAT_AFTER_MINUTES,
      video: {
        domain: env.VIDEO_JITSI_DOMAIN,
        appId: env.VIDEO_JITSI_APP_ID,
        secret: env.VIDEO_JITSI_SECRET,
        joinEarlyMinutes: env.VIDEO_JOIN_EARLY_MINUTES,
        joinLateMinutes: env.VIDEO_JOIN_LATE_MINUTES,
        tokenTtlSeconds: env.VIDEO_TOKEN_TTL_SECONDS,
      },
    },
    cart: {
      maxQuantity: env.CART_MAX_QUANTITY,
      maxLines: env.CART_MAX_LINES,
      delivery: {
        feeMinor: env.DELIVERY_FEE_MINOR,
        freeAboveMinor: env.DELIVERY_FREE_ABOVE_MINOR,
        perKmMinor: env.DELIVERY_FEE_PER_KM_MINOR,
      },
    },
    messaging: {
      emailDriver: env.EMAIL_DRIVER,
      emailFrom: env.EMAIL_FROM,
      smtpUrl: env.SMTP_URL,
      smsDriver: env.SMS_DRIVER,
    },
    notifications: {
      pushDriver: env.PUSH_DRIVER,
      expoAccessToken: env.EXPO_ACCESS_TOKEN,
      expoPushUrl: env.EXPO_PUSH_URL,
      pushReceiptDelayMs: env.PUSH_RECEIPT_DELAY_SECONDS * 1000,
    },
  } as const;
}

function prescriptionKeysOf(env: z.infer<typeof envSchema>) {
  try {
    return prescriptionKeys({
      signingKeys: env.PRESCRIPTION_SIGNING_KEYS,
      activeKeyId: env.PRESCRIPTION_SIGNING_KEY_ID,
      verifyKeys: env.PRESCRIPTION_VERIFY_KEYS,
      jwtSecret: env.JWT_SECRET,
    });
  } catch (err) {
    // The message names the variable, never a key.
    if (err instanceof PrescriptionKeyError) throw new ConfigError(`Invalid configuration: ${err.message}`);
    throw err;
  }
}

const publicUrlOf = (env: z.infer<typeof envSchema>) =>
  (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');

export type Config = ReturnType<typeof buildConfig>;

/**
 * Per-use keys from the one secret (HKDF-SHA256, RFC 5869), as hex: `tokens` signs access tokens,
 * `codes` keys the one-time code hashes, `files` signs download links. Changing a label rotates that key.
 */
function deriveKeys(secret: string) {
  const derive = (label: string) =>
    Buffer.from(hkdfSync('sha256', secret, 'medyour', `medyour/${label}/v1`, 32)).toString('hex');
  return { tokens: derive('tokens'), codes: derive('codes'), files: derive('files') };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Parses the environment once. Any problem names the variable; production refuses unsafe defaults. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    if (!e.DATABASE_URL) throw new ConfigError('Refusing to boot in production: DATABASE_URL is not set');
    if (e.JWT_SECRET === DEV_JWT_SECRET) {
      throw new ConfigError('Refusing to boot in production: JWT_SECRET is the development default');
    }
    // Anyone holding the public default could mint join tokens for any consultation room.
    if (e.VIDEO_JITSI_SECRET === DEV_VIDEO_SECRET)
      throw new ConfigError('Refusing to boot in production: VIDEO_JITSI_SECRET is the development default');
    if (e.STORAGE_DRIVER === 's3' && (!e.STORAGE_S3_BUCKET || !e.STORAGE_S3_SECRET_ACCESS_KEY)) {
      throw new ConfigError(
        'Refusing to boot in production: STORAGE_S3_BUCKET and STORAGE_S3_SECRET_ACCESS_KEY are required',
      );
    }
    if (e.EMAIL_DRIVER === 'smtp' && !e.SMTP_URL)
      throw new ConfigError('Refusing to boot in production: SMTP_URL is not set');
    // A signature made with a key derived from the JWT secret would be forgeable by whoever holds that secret.
    if (!e.PRESCRIPTION_SIGNING_KEYS)
      throw new ConfigError('Refusing to boot in production: PRESCRIPTION_SIGNING_KEYS is not set');
    if (e.CARD_GATEWAY === 'stripe') {
      for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'CARD_SUCCESS_URL', 'CARD_CANCEL_URL'] as const)
        if (!e[name])
          throw new ConfigError(`Refusing to boot in production: ${name} is required when CARD_GATEWAY=stripe`);
      // Money must reach the real gateway: the override exists for the tests' local fake.
      if (e.STRIPE_API_BASE_URL)
        throw new ConfigError('Refusing to boot in production: STRIPE_API_BASE_URL points the gateway elsewhere');
    }
  }
  if (e.CARD_GATEWAY === 'stripe' && (!e.STRIPE_SECRET_KEY || !e.STRIPE_WEBHOOK_SECRET))
    throw new ConfigError(
      'Invalid configuration: STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: required when CARD_GATEWAY=stripe',
    );
  if (e.TOP_UP_MIN_MINOR > e.TOP_UP_MAX_MINOR)
    throw new ConfigError('Invalid configuration: TOP_UP_MIN_MINOR: must not exceed TOP_UP_MAX_MINOR');
  // The development secret is public (it is in this repository): only a throw-away embedded database
  // (no DATABASE_URL) or the test suite may run on it.
  if (e.JWT_SECRET === DEV_JWT_SECRET && e.DATABASE_URL && e.NODE_ENV !== 'test') {
    throw new ConfigError(
      'Invalid configuration: JWT_SECRET: the development default is only accepted in embedded mode (no DATABASE_URL)',
    );
  }
  if (e.EMAIL_DRIVER === 'smtp' && !e.SMTP_URL)
    throw new ConfigError('Invalid configuration: SMTP_URL: required when EMAIL_DRIVER=smtp');
  if (e.STORAGE_DRIVER === 's3' && !e.STORAGE_S3_BUCKET) {
    throw new ConfigError('Invalid configuration: STORAGE_S3_BUCKET: required when STORAGE_DRIVER=s3');
  }
  return deepFreeze(buildConfig(e));
}

/** The one reader of process.env (rule 7). */
export function configFromProcess(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({ ...process.env, ...overrides });
}
