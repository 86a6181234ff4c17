import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';

/**
 * The double-entry ledger (migration 0010). Balances are derived from postings; `balance_minor` is a cache
 * of that sum kept in the same transaction as the postings (test/invariants.sql checks they agree).
 * Entries and postings are append-only (triggers): a mistake is corrected by a new entry, never an edit.
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: pk(),
    /** `wallet:<userId>` for an owned account, the kind for a house account (`revenue`). */
    code: text('code').notNull(),
    kind: text('kind').notNull(),
    // References users (migration 0010): the customer of a wallet, the doctor of a payable.
    ownerId: uuid('owner_id'),
    currency: text('currency').notNull(),
    normalSide: text('normal_side').notNull(),
    mayGoNegative: boolean('may_go_negative').notNull(),
    /** Signed, in the account's normal sense (a wallet holding 500 has 500). */
    balanceMinor: bigint('balance_minor', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    unique('ledger_accounts_code_key').on(t.code),
    // The target of postings' (account, currency) key: a posting is in its account's currency.
    unique('ledger_accounts_id_currency_key').on(t.id, t.currency),
    check(
      'ledger_accounts_kind',
      sql`${t.kind} IN ('wallet', 'points_wallet', 'gateway_clearing', 'cash_clearing', 'revenue', 'discounts', 'refunds', 'adjustments', 'loyalty_liability', 'doctor_payable', 'payment_holds')`,
    ),
    check('ledger_accounts_code', sql`${t.code} = ${t.kind} || coalesce(':' || ${t.ownerId}::text, '')`),
    check(
      'ledger_accounts_owner',
      sql`(${t.ownerId} IS NOT NULL) = (${t.kind} IN ('wallet', 'points_wallet', 'doctor_payable'))`,
    ),
    check('ledger_accounts_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('ledger_accounts_normal_side', sql`${t.normalSide} IN ('debit', 'credit')`),
    // What a person holds is never below zero, whatever the writer sets may_go_negative to.
    check(
      'ledger_accounts_held_not_negative',
      sql`${t.kind} NOT IN ('wallet', 'points_wallet', 'doctor_payable') OR NOT ${t.mayGoNegative}`,
    ),
    check('ledger_accounts_balance', sql`${t.mayGoNegative} OR ${t.balanceMinor} >= 0`),
  ],
);

/**
 * The cached balance of a house account that may go negative, in shards (migration 0016): a posting adds to
 * one shard picked at random, so parallel orders do not queue on one revenue row. The account's balance is
 * its base `balance_minor` plus its shards (view `ledger_balances`).
 */
export const ledgerBalanceShards = pgTable(
  'ledger_balance_shards',
  {
    accountId: uuid('account_id').notNull(),
    shard: smallint('shard').notNull(),
    balanceMinor: bigint('balance_minor', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'ledger_balance_shards_pkey', columns: [t.accountId, t.shard] }),
    foreignKey({
      name: 'ledger_balance_shards_account_fk',
      columns: [t.accountId],
      foreignColumns: [ledgerAccounts.id],
    }).onDelete('restrict'),
    check('ledger_balance_shards_shard', sql`${t.shard} >= 0 AND ${t.shard} < 64`),
  ],
);

export const journalEntries = pgTable(
  'journal_entries',
  {
    id: pk(),
    /** The natural key of the money movement (`order:<id>:capture`): posting it twice posts it once. */
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    refType: text('ref_type'),
    refId: uuid('ref_id'),
    memo: text('memo'),
    // References users (migration 0010); null for the system actor (jobs, webhooks).
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('journal_entries_key_key').on(t.key),
    index('journal_entries_ref_idx').on(t.refType, t.refId),
    check('journal_entries_key_length', sql`length(${t.key}) BETWEEN 1 AND 300`),
    check('journal_entries_kind', sql`${t.kind} ~ '^[a-z][a-z_]*([.][a-z][a-z_]*)*$'`),
    check('journal_entries_ref', sql`(${t.refType} IS NULL) = (${t.refId} IS NULL)`),
  ],
);

export const postings = pgTable(
  'postings',
  {
    id: pk(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => journalEntries.id, { onDelete: 'restrict' }),
    accountId: uuid('account_id').notNull(),
    currency: text('currency').notNull(),
    /** Debit positive, credit negative; an entry's postings sum to zero per currency (deferred trigger). */
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      name: 'postings_account_fk',
      columns: [t.accountId, t.currency],
      foreignColumns: [ledgerAccounts.id, ledgerAccounts.currency],
    }).onDelete('restrict'),
    index('postings_entry_idx').on(t.entryId),
    // A wallet's history, newest first (ids are UUIDv7: time-ordered), and its balance rebuilt by sum.
    index('postings_account_idx').on(t.accountId, t.id),
    check('postings_amount_nonzero', sql`${t.amountMinor} <> 0`),
  ],
);

/**
 * Card payments through a hosted-checkout gateway (migration 0013). An intent is one amount the customer is
 * asked to pay on the gateway's page, for an order or a wallet top-up; the webhook that says it was paid moves
 * it to `paid` once (a conditional update) and posts `intent:<id>:paid` in the same transaction.
 */
export const paymentIntents = pgTable(
  'payment_intents',
  {
    id: pk(),
    purpose: text('purpose').notNull(),
    /** The order an `order` intent pays, the appointment an `appointment` intent pays; null for a top-up. */
    refId: uuid('ref_id'),
    // References users (migration 0013).
    customerId: uuid('customer_id').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    status: text('status').notNull(),
    gateway: text('gateway').notNull(),
    /** The gateway's id of the hosted checkout (Stripe: the Checkout Session id), once it was made. */
    gatewayRef: text('gateway_ref'),
    redirectUrl: text('redirect_url'),
    paidAt: tsz('paid_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('payment_intents_gateway_ref_key').on(t.gateway, t.gatewayRef),
    index('payment_intents_customer_idx').on(t.customerId, t.id),
    // One open intent per order: a second checkout page for the same order is the first one again.
    uniqueIndex('payment_intents_open_order_key')
      .on(t.refId)
      .where(sql`${t.purpose} = 'order' AND ${t.status} IN ('created', 'pending')`),
    // One open intent per appointment likewise (migration 0022).
    uniqueIndex('payment_intents_open_appointment_key')
      .on(t.refId)
      .where(sql`${t.purpose} = 'appointment' AND ${t.status} IN ('created', 'pending')`),
    check('payment_intents_purpose', sql`${t.purpose} IN ('order', 'wallet_top_up', 'appointment')`),
    check('payment_intents_ref', sql`(${t.purpose} IN ('order', 'appointment')) = (${t.refId} IS NOT NULL)`),
    check('payment_intents_amount', sql`${t.amountMinor} > 0`),
    check('payment_intents_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('payment_intents_status', sql`${t.status} IN ('created', 'pending', 'paid', 'failed', 'expired')`),
    check('payment_intents_gateway', sql`${t.gateway} ~ '^[a-z][a-z0-9_]*$'`),
    check('payment_intents_session', sql`${t.status} = 'created' OR ${t.gatewayRef} IS NOT NULL`),
    check('payment_intents_paid_at', sql`(${t.status} = 'paid') = (${t.paidAt} IS NOT NULL)`),
  ],
);

/** Every webhook event received, once per gateway event id: a delivery repeated finds its row and stops. */
export const gatewayEvents = pgTable(
  'gateway_events',
  {
    id: pk(),
    gateway: text('gateway').notNull(),
    eventId: text('event_id').notNull(),
    /** The gateway's own type (`checkout.session.completed`) and ours (`paid`, `failed`, `expired`, `ignored`). */
    type: text('type').notNull(),
    kind: text('kind').notNull(),
    intentId: uuid('intent_id').references(() => paymentIntents.id, { onDelete: 'restrict' }),
    payload: jsonb('payload').$type<unknown>().notNull(),
    /** What the event did: `paid: credited to the wallet; order confirmed`, `duplicate of paid`, ... */
    outcome: text('outcome').notNull(),
    receivedAt: tsz('received_at').notNull().defaultNow(),
  },
  (t) => [
    unique('gateway_events_event_key').on(t.gateway, t.eventId),
    index('gateway_events_intent_idx').on(t.intentId),
    check('gateway_events_kind', sql`${t.kind} IN ('paid', 'failed', 'expired', 'ignored')`),
  ],
);

/**
 * Money given back to the card an intent was paid with. The ledger entry (debit wallet, credit gateway
 * clearing) is posted with the row; the gateway is asked after commit, and a refund it has not confirmed
 * stays `requested` for a retry.
 */
export const cardRefunds = pgTable(
  'card_refunds',
  {
    id: pk(),
    intentId: uuid('intent_id')
      .notNull()
      .references(() => paymentIntents.id, { onDelete: 'restrict' }),
    /** The ledger entry's key, given by the caller (`order:<id>:refund:<n>`): a retry refunds once. */
    key: text('key').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    status: text('status').notNull(),
    gatewayRefundRef: text('gateway_refund_ref'),
    lastError: text('last_error'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('card_refunds_key_key').on(t.key),
    index('card_refunds_intent_idx').on(t.intentId),
    check('card_refunds_amount', sql`${t.amountMinor} > 0`),
    check('card_refunds_status', sql`${t.status} IN ('requested', 'succeeded', 'failed')`),
  ],
);
