import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const port = z.coerce.number().int().min(0).max(65535).default(3000);
const list = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/**
 * TRUST_PROXY: which hops in front of us may name the client in X-Forwarded-For. `false`, a number of
 * hops (the load balancers between the client and us), or a comma list of proxy addresses/CIDRs
 * (proxy-addr also knows `loopback`, `linklocal`, `uniquelocal`). `true` ("trust every hop") is refused:
 * it makes the left-most, client-written entry the client address.
 */
const trustProxy = z
  .string()
  .default('false')
  .transform((v, ctx): false | number | string[] => {
    const s = v.trim().toLowerCase();
    if (['false', '0', 'no'].includes(s)) return false;
    if (/^\d{1,2}$/.test(s)) return Number(s);
    if (['true', 'yes'].includes(s)) {
      ctx.addIssue({
        code: 'custom',
        message: 'true would trust every hop; give a hop count or proxy addresses/CIDRs',
      });
      return z.NEVER;
    }
    const entries = s
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const bad = entries.filter((e) => !isProxyEntry(e));
    if (entries.length === 0 || bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: 'expected false, a hop count, or a comma list of IPs/CIDRs' });
      return z.NEVER;
    }
    return entries;
  });

function isProxyEntry(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [addr, bits, ...rest] = entry.split('/');
  const family = isIP(addr!);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export const DEV_JWT_SECRET = 'medyour-dev-only-secret-change-me-0123456789';
/** Public (it is in this repository): production refuses to boot on it. */
export const DEV_VIDEO_SECRET = 'medyour-dev-only-video-secret-change-me-0123';

/** Every variable the process reads. Nothing else in the code base touches process.env (rule 7). */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port,
  HOST: z.string().default('0.0.0.0'),
  /** The address clients use (the OpenAPI document's `servers`); default `http://localhost:PORT`. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().default('./.data'),
  DATABASE_URL: z.url().optional(),
  DATABASE_POOL_MAX: int(10),
  DATABASE_STATEMENT_TIMEOUT_MS: int(15000),
  REDIS_URL: z.url().optional(),
  REDIS_KEY_PREFIX: z.string().default('medyour:'),
  // With REDIS_URL jobs go to BullMQ (consumed by `npm run worker`); `in-process` keeps them in this process.
  JOBS_DRIVER: z.enum(['bullmq', 'in-process']).optional(),
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // A running job whose worker stops renewing its lock this long (a crash) is taken over by another worker.
  JOBS_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  MIGRATE_ON_BOOT: bool.optional(),
  SEED_DEMO: bool.default(true),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
  // Below a minute clients refresh constantly, and the session-state cache (60 s) would outlive the token.
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60, 'must be at least 60').default(900),
  REFRESH_TOKEN_TTL_DAYS: int(30),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  CORS_ORIGINS: list,
  TRUST_PROXY: trustProxy,
  BODY_LIMIT_BYTES: int(1_048_576),
  UPLOAD_LIMIT_BYTES: int(10_485_760),
  /** The product CSV import (100k rows are ~15 MB). */
  IMPORT_LIMIT_BYTES: int(52_428_800),
  /**
   * Idempotency keys: a key older than TTL is forgotten (a reuse runs as new); a claim still in progress
   * after CLAIM_TIMEOUT (its process died) is taken over by the next request with the key.
   */
  IDEMPOTENCY_KEY_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: int(10),
  RATE_LIMIT_LOGIN_ACCOUNT_WINDOW_SECONDS: int(900),
  RATE_LIMIT_LOGIN_PER_IP: int(30),
  RATE_LIMIT_LOGIN_IP_WINDOW_SECONDS: int(60),
  RATE_LIMIT_DEFAULT: int(600),
  RATE_LIMIT_DEFAULT_WINDOW_SECONDS: int(60),
  /**
   * One-time code budget per account, across routes, purposes and identifiers (email and phone share it),
   * per 24 h window: codes issued, and wrong guesses at any of its codes. Past either, no code is issued or
   * accepted until the window ends, and the owner is told through a verified contact.
   */
  OTP_DAILY_CODES: z.coerce.number().int().min(1).default(5),
  OTP_DAILY_WRONG_GUESSES: z.coerce.number().int().min(1).default(10),
  LOCKOUT_THRESHOLD: int(5),
  LOCKOUT_MINUTES: int(15),
  /**
   * Login backstop per identifier, across every client address: after FREE failures (each forgotten after
   * WINDOW minutes without attempts) every further attempt waits BASE * 2^n seconds, at most MAX. It slows
   * guessing from many addresses without ever locking the owner out.
   */
  LOGIN_BACKSTOP_FREE_FAILURES: int(10),
  LOGIN_BACKSTOP_WINDOW_MINUTES: z.coerce.number().int().min(1).default(60),
  LOGIN_BACKSTOP_BASE_DELAY_SECONDS: z.coerce.number().int().min(1).default(1),
  LOGIN_BACKSTOP_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** A refresh token presented again this soon after its rotation gets the same successor (two tabs racing). */
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  CACHE_L1_TTL_SECONDS: int(30),
  CACHE_L1_MAX_ENTRIES: int(10_000),
  /** Ranked search results are cached this long (0: not cached); they may lag catalog and stock changes by it. */
  SEARCH_CACHE_TTL_SECONDS: int(30),
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  STORAGE_S3_ENDPOINT: z.url().optional(),
  STORAGE_S3_REGION: z.string().default('us-east-1'),
  STORAGE_S3_BUCKET: z.string().optional(),
  STORAGE_S3_ACCESS_KEY_ID: z.string().optional(),
  STORAGE_S3_SECRET_ACCESS_KEY: z.string().optional(),
  STORAGE_S3_FORCE_PATH_STYLE: bool.default(true),
  SIGNED_URL_TTL_SECONDS: int(300),
  EMAIL_DRIVER: z.enum(['console', 'smtp']).default('console'),
  EMAIL_FROM: z.string().default('Medyour <no-reply@medyour.local>'),
  SMTP_URL: z.string().optional(),
  SMS_DRIVER: z.enum(['console']).default('console'),
  /**
   * Push notifications (module notifications): `expo` sends through Expo's push service (EXPO_ACCESS_TOKEN
   * when the project requires one; EXPO_PUSH_URL only to reach another endpoint, e.g. a local fake in tests);
   * `console` logs them. Receipts are asked for PUSH_RECEIPT_DELAY_SECONDS after sending (Expo keeps them a day).
   */
  PUSH_DRIVER: z.enum(['console', 'expo']).default('console'),
  EXPO_ACCESS_TOKEN: z.string().optional(),
  EXPO_PUSH_URL: z.url({ protocol: /^https?$/ }).optional(),
  PUSH_RECEIPT_DELAY_SECONDS: z.coerce.number().int().min(0).max(86_400).default(900),
  SHUTDOWN_GRACE_MS: int(8000),
  /** Nearest-branch lists are served from an in-process index up to this many active branches, by SQL past it. */
  BRANCHES_IN_MEMORY_MAX: int(5000),
  STOCK_EXPIRY_MARGIN_DAYS: int(30),
  RESERVATION_TTL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** Most units of one product a cart line may hold (the database's ceiling is 1000), and most lines a cart may hold. */
  CART_MAX_QUANTITY: z.coerce.number().int().min(1).max(1000).default(100),
  CART_MAX_LINES: z.coerce.number().int().min(1).max(200).default(50),
  /**
   * Delivery fee (minor units): flat, plus PER_KM for each started kilometre from the branch to the delivery
   * point when both are known (0: no distance part); nothing when the goods cost at least FREE_ABOVE after
   * discounts (0: never free). Pickup is free.
   */
  DELIVERY_FEE_MINOR: z.coerce.number().int().min(0).max(10_000_000).default(2500),
  DELIVERY_FREE_ABOVE_MINOR: z.coerce.number().int().min(0).max(2_147_483_647).default(50_000),
  DELIVERY_FEE_PER_KM_MINOR: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** A prescription photo may be at most this large (and never above UPLOAD_LIMIT_BYTES). */
  PRESCRIPTION_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).default(8_388_608),
  /**
   * E-prescriptions are signed with Ed25519 (module prescriptions). SIGNING_KEYS: `keyId:base64` entries,
   * comma-separated, each a PKCS#8 DER private key (`openssl genpkey -algorithm ed25519 -outform DER | base64
   * -w0`); SIGNING_KEY_ID: the one that signs new prescriptions (default: the first). VERIFY_KEYS: retired
   * keys' public halves (`keyId:base64` SPKI DER), kept so older prescriptions still verify. Without
   * SIGNING_KEYS a key is derived from JWT_SECRET (development and tests; production refuses to boot).
   */
  PRESCRIPTION_SIGNING_KEYS: z.string().optional(),
  PRESCRIPTION_SIGNING_KEY_ID: z.string().optional(),
  PRESCRIPTION_VERIFY_KEYS: z.string().optional(),
  /** The public verify page a prescription's QR code opens (+ `/<code>`); default PUBLIC_URL/v1/prescriptions/verify. */
  PRESCRIPTION_VERIFY_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How long a prescription may be filled: days from issue, and the shorter period when a line is controlled. */
  PRESCRIPTION_VALIDITY_DAYS: z.coerce.number().int().min(1).max(365).default(90),
  PRESCRIPTION_CONTROLLED_VALIDITY_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** A refill is refused earlier than this share of the line's duration after its last fill. */
  PRESCRIPTION_REFILL_AFTER_PERCENT: z.coerce.number().int().min(0).max(100).default(75),
  /**
   * Open orders expire (stock released, a held or captured payment given back) when they wait this long:
   * for a pharmacist's verification, and for a card payment, counted from when the order entered that state.
   */
  ORDER_VERIFICATION_TTL_MINUTES: z.coerce.number().int().min(1).max(43_200).default(720),
  ORDER_PAYMENT_TTL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
  /** Appointments' cancellation policy, copied onto each booking: free until this many hours before the start. */
  APPOINTMENT_FREE_CANCEL_HOURS: z.coerce.number().int().min(0).max(720).default(24),
  /** The share of the fee a patient's late cancellation keeps (the rest goes back to the wallet). */
  APPOINTMENT_LATE_CANCEL_FEE_PERCENT: z.coerce.number().int().min(0).max(100).default(50),
  /** How many times a patient may move one booking. */
  APPOINTMENT_RESCHEDULE_CAP: z.coerce.number().int().min(0).max(20).default(2),
  /** A booking nobody started this many minutes after its start is marked a no-show (its fee is kept). */
  APPOINTMENT_NO_SHOW_GRACE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /** A card booking unpaid this many minutes after booking expires and frees its slot (never after its start). */
  APPOINTMENT_PAYMENT_TTL_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /** A subscription whose renewal failed stays past_due this many days (retried daily), then expires. */
  PLAN_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(3),
  /** The patient may check in (the waiting room) from this many minutes before the start until its end. */
  CONSULTATION_CHECK_IN_EARLY_MINUTES: z.coerce.number().int().min(0).max(240).default(15),
  /** Chat stays open this many minutes after the doctor completes the consultation (0: closes at completion). */
  CONSULTATION_CHAT_AFTER_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  /**
   * Video rooms (Jitsi with JWT authentication, no network call from us): rooms on VIDEO_JITSI_DOMAIN, join
   * tokens signed HS256 with VIDEO_JITSI_SECRET (the Jitsi server's app secret, shared with it; production
   * refuses the development default), issuer VIDEO_JITSI_APP_ID. A participant may join from EARLY minutes
   * before the start until LATE minutes after the end; each token lives at most TOKEN_TTL seconds.
   */
  VIDEO_JITSI_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, 'must be a host name, optionally with a port')
    .default('meet.medyour.local'),
  VIDEO_JITSI_APP_ID: z.string().min(1).max(100).default('medyour'),
  VIDEO_JITSI_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_VIDEO_SECRET),
  VIDEO_JOIN_EARLY_MINUTES: z.coerce.number().int().min(0).max(240).default(10),
  VIDEO_JOIN_LATE_MINUTES: z.coerce.number().int().min(0).max(720).default(30),
  VIDEO_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /**
   * Loyalty points (module loyalty). Earned when an order completes: EARN_POINTS for every EARN_PER_MINOR
   * minor units paid for eligible goods (after discount and after the points' value; delivery earns none),
   * rounded down. One point takes POINT_VALUE_MINOR minor units off an order. An order may spend points worth
   * at most CAP_PERCENT of its eligible goods after discount, and at most CAP_POINTS points (0: no absolute cap).
   * Points expire EXPIRY_DAYS after they were earned. Rx-only and controlled lines neither earn nor take
   * points unless RX_LINES is true (pharmacy law in many markets).
   */
  LOYALTY_EARN_POINTS: z.coerce.number().int().min(0).max(10_000).default(1),
  LOYALTY_EARN_PER_MINOR: z.coerce.number().int().min(1).max(10_000_000).default(100),
  LOYALTY_POINT_VALUE_MINOR: z.coerce.number().int().min(1).max(1_000_000).default(1),
  LOYALTY_CAP_PERCENT: z.coerce.number().int().min(0).max(100).default(50),
  LOYALTY_CAP_POINTS: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  LOYALTY_EXPIRY_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  LOYALTY_RX_LINES: bool.default(false),
  /** ISO 4217 code of the deployment's money (every price and ledger amount is in its minor units). */
  CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EGP')
    .refine((c) => c !== 'PTS', 'PTS is the loyalty points unit')
    .default('EGP'),
  /**
   * Card payments through a hosted-checkout gateway. `none` (the default): paying by card and wallet top-ups
   * answer 400 `payments/card-unavailable`. `stripe`: Stripe Checkout with STRIPE_SECRET_KEY, webhooks
   * verified with STRIPE_WEBHOOK_SECRET. STRIPE_API_BASE_URL points the SDK elsewhere (a local fake in
   * tests; refused in production).
   */
  CARD_GATEWAY: z.enum(['none', 'stripe']).default('none'),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  STRIPE_API_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** A webhook signed longer ago than this is refused (replay protection; Stripe's default is 300 s). */
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /**
   * Where the gateway sends the customer back (the app's pages): default PUBLIC_URL/payments/success and
   * /payments/cancel; required in production. `{CHECKOUT_SESSION_ID}` is filled in by Stripe.
   */
  CARD_SUCCESS_URL: z.url({ protocol: /^https?$/ }).optional(),
  CARD_CANCEL_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How long a hosted checkout page stays payable (Stripe accepts 30 minutes to 24 hours). */
  CARD_SESSION_TTL_MINUTES: z.coerce.number().int().min(30).max(1440).default(30),
  /** The smallest card payment (gateways refuse tiny charges); an order below it is refused for card. */
  CARD_MIN_MINOR: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** Wallet top-ups by card: at least MIN, at most MAX minor units each. */
  TOP_UP_MIN_MINOR: z.coerce.number().int().min(1).max(1_000_000_000).default(1000),
  TOP_UP_MAX_MINOR: z.coerce.number().int().min(1).max(1_000_000_000).default(1_000_000),
});

export type Env = z.infer<typeof envSchema>;
