import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';

export const accountType = pgEnum('account_type', ['customer', 'doctor', 'staff']);
export const accountStatus = pgEnum('account_status', ['active', 'pending_approval', 'suspended']);
export const otpPurpose = pgEnum('otp_purpose', ['phone_verification', 'password_reset', 'email_verification']);

export const users = pgTable(
  'users',
  {
    id: pk(),
    type: accountType('type').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    passwordHash: text('password_hash').notNull(),
    locale: text('locale').notNull().default('en'),
    status: accountStatus('status').notNull().default('active'),
    phoneVerifiedAt: tsz('phone_verified_at'),
    // Codes and password resets go only to a verified contact (migration 0006).
    emailVerifiedAt: tsz('email_verified_at'),
    // Bumped by password change, logout-everywhere and suspension: access tokens carry it, so revocation is immediate.
    sessionVersion: integer('session_version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_phone_key').on(t.phone),
    index('users_type_created_idx').on(t.type, t.id),
    check('users_contact_present', sql`${t.email} IS NOT NULL OR ${t.phone} IS NOT NULL`),
    check('users_session_version_nonneg', sql`${t.sessionVersion} >= 0`),
  ],
);

export const roleAssignments = pgTable(
  'role_assignments',
  {
    id: pk(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    // References branches (migration 0009: modules do not import each other's tables).
    branchId: uuid('branch_id'),
    createdAt: createdAt(),
  },
  (t) => [unique('role_assignments_unique').on(t.userId, t.role, t.branchId).nullsNotDistinct()],
);

/** A login session = one refresh-token family. */
export const sessions = pgTable(
  'sessions',
  {
    id: pk(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: createdAt(),
    lastUsedAt: tsz('last_used_at').notNull().defaultNow(),
    revokedAt: tsz('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: pk(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: tsz('expires_at').notNull(),
    rotatedAt: tsz('rotated_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    // A family has at most one live token: two racing rotations cannot both mint a successor.
    uniqueIndex('refresh_tokens_one_live_per_session')
      .on(t.sessionId)
      .where(sql`${t.rotatedAt} IS NULL`),
  ],
);

export const oneTimeCodes = pgTable(
  'one_time_codes',
  {
    id: pk(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: otpPurpose('purpose').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: tsz('expires_at').notNull(),
    consumedAt: tsz('consumed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    // One live code per account and purpose: a new code replaces the old one in place (one statement).
    uniqueIndex('one_time_codes_one_live')
      .on(t.userId, t.purpose)
      .where(sql`${t.consumedAt} IS NULL`),
  ],
);

/**
 * The account's one-time code budget for the current window (see OTP_DAILY_*): every route, purpose and
 * identifier of the account counts here, by conditional upserts, so parallel requests cannot exceed it.
 * `paused_at`: a cap was reached; no code is issued or accepted until the window ends.
 */
export const codeBudgets = pgTable(
  'code_budgets',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    windowStartedAt: tsz('window_started_at').notNull(),
    codesIssued: integer('codes_issued').notNull().default(0),
    wrongGuesses: integer('wrong_guesses').notNull().default(0),
    pausedAt: tsz('paused_at'),
  },
  (t) => [check('code_budgets_counts_nonneg', sql`${t.codesIssued} >= 0 AND ${t.wrongGuesses} >= 0`)],
);

/**
 * Login attempts per identifier + client address (`pair:` keys) and per identifier (`ident:` keys), for
 * accounts that exist and identifiers that do not alike, so throttling never reveals an account.
 * `locked_until`: no attempt is claimed before it (a lock, or the backstop's delay); `updated_at`: the last
 * claimed attempt, from which an idle row's count is forgotten.
 */
export const loginThrottles = pgTable(
  'login_throttles',
  {
    key: text('key').primaryKey(),
    failures: integer('failures').notNull().default(0),
    lockedUntil: tsz('locked_until'),
    updatedAt: updatedAt(),
  },
  (t) => [check('login_throttles_failures_nonneg', sql`${t.failures} >= 0`)],
);
