import { sql } from 'drizzle-orm';
import { bigint, boolean, check, foreignKey, index, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk } from '../../db/columns.js';

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
      sql`${t.kind} IN ('wallet', 'points_wallet', 'gateway_clearing', 'cash_clearing', 'revenue', 'discounts', 'refunds', 'adjustments', 'loyalty_liability', 'doctor_payable')`,
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
