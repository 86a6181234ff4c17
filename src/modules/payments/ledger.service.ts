import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { completeRow } from '../../db/json-rows.js';
import type { Actor } from '../../kernel/auth/index.js';
import { UUID_RE } from '../../kernel/ids.js';
import { PaymentErrors } from './payments.errors.js';
import {
  LedgerRepository,
  type EntryRow,
  type HistoryRow as LedgerHistoryRow,
  type PostingRow,
} from './ledger.repository.js';
import { LedgerAccounts, type LedgerAccount } from './ledger-accounts.js';
import { journalEntries, postings } from './payments.tables.js';

export type { LedgerHistoryRow };
import {
  ENTRY_KIND_RE,
  LedgerInvariantError,
  accountCode,
  balanceChanges,
  checkLines,
  type AccountRef,
  type EntryLine,
} from './payments.rules.js';

/** Shards of a house account's cached balance (migration 0016 allows up to 64). */
const BALANCE_SHARDS = 16;

export type { LedgerAccount } from './ledger-accounts.js';

export interface PostEntry {
  /** The natural key of this money movement (`order:<id>:capture`): posting a key again posts nothing. */
  key: string;
  /** What happened, as an event name: `wallet.adjustment`, `order.capture`. */
  kind: string;
  /** The object the money moved for (an order, a refund, a top-up), both or neither. */
  refType?: string;
  refId?: string;
  memo?: string;
  /** Who asked for it: a user is recorded as the entry's author, the system actor as none. */
  actor?: Actor;
  /** Debit positive, credit negative (payments.rules.ts debit() and credit()); they sum to zero per currency. */
  lines: EntryLine[];
}

export interface PostedEntry {
  id: string;
  key: string;
  kind: string;
  refType: string | null;
  refId: string | null;
  memo: string | null;
  createdBy: string | null;
  createdAt: Date;
  lines: { accountId: string; code: string; currency: string; amountMinor: number }[];
  /** True when the key had been posted before (a retry): nothing was posted this time. */
  replayed: boolean;
}

/**
 * The double-entry ledger (exported from index.ts). Every money movement of every module is one `post`:
 * balanced lines, one transaction, posted at most once per key. Pass the caller's transaction so the money
 * moves with the order, refund or top-up it belongs to, or not at all.
 */
@Injectable()
export class LedgerService {
  private readonly currency: string;

  constructor(
    private readonly repo: LedgerRepository,
    private readonly accounts: LedgerAccounts,
    @Inject(CONFIG) config: Config,
  ) {
    this.currency = config.payments.currency;
  }

  /** The deployment's currency (ISO 4217): every money account holds it. */
  get moneyCurrency(): string {
    return this.currency;
  }

  /**
   * Posts the entry, or returns the one already posted under its key (`replayed`); the same key with other
   * lines, kind or reference is refused (409 `payments/entry-conflict`). A line that would take a wallet
   * below zero refuses the whole entry (409 `payments/insufficient-funds`) before anything is written, so
   * even a caller that catches the error and goes on commits no part of it.
   *
   * Order of work: the accounts a person holds are locked in id order (their balance decides; a retry waits
   * on the same locks, so it sees the first attempt once that commits), their balances checked, then the
   * entry, its postings and the cached balances are written in one statement that writes nothing when the
   * key is taken (a replay). House accounts that may go negative (revenue, clearing) add to one of their
   * balance shards, picked at random: parallel entries on them rarely wait for each other, and never for long.
   */
  async post(entry: PostEntry, tx?: DbOrTx): Promise<PostedEntry> {
    this.check(entry);
    return this.repo.transaction(async (t) => {
      const { accounts, locked } = await this.accounts.lock(
        entry.lines.map((l) => l.account),
        t,
      );
      const changes = balanceChanges(entry.lines);
      const lines = entry.lines.map((l) => {
        const account = accounts.get(accountCode(l.account))!;
        return { accountId: account.id, code: account.code, currency: account.currency, amountMinor: l.amountMinor };
      });

      // A key posted before answers as a replay even when the money is no longer there.
      for (const account of locked) {
        if (account.balanceMinor + changes.get(account.code)! < 0) {
          const existing = await this.repo.entryByKey(entry.key, t);
          if (existing) return this.replay(entry, lines, existing);
          throw PaymentErrors.insufficientFunds();
        }
      }

      const now = new Date();
      const row = completeRow(
        journalEntries,
        {
          key: entry.key,
          kind: entry.kind,
          refType: entry.refType ?? null,
          refId: entry.refId?.toLowerCase() ?? null,
          memo: entry.memo ?? null,
          createdBy: entry.actor?.kind === 'user' ? entry.actor.userId : null,
        },
        now,
      );
      const written = lines.map((l) =>
        completeRow(
          postings,
          { entryId: row.id, accountId: l.accountId, currency: l.currency, amountMinor: l.amountMinor },
          now,
        ),
      );
      // Nothing decides on a house account's balance: one of its shards, picked at random, takes the change
      // (migration 0016); a held account's cached balance moves with it.
      const moves = [...accounts.values()].filter((a) => changes.get(a.code)! !== 0);
      const balances = moves
        .filter((a) => !a.mayGoNegative)
        .map((a) => ({ accountId: a.id, delta: changes.get(a.code)! }));
      const shards = moves
        .filter((a) => a.mayGoNegative)
        .map((a) => ({ accountId: a.id, shard: randomInt(BALANCE_SHARDS), delta: changes.get(a.code)! }));
      const done = await this.repo.writeEntry(row, written, balances, shards, t);
      // Taken in the meantime by an entry on other accounts (which our locks do not serialise with).
      if (!done.inserted) return this.replay(entry, lines, (await this.repo.entryByKey(entry.key, t))!);
      // Cannot be refused after the check above (the rows are locked); if it is, nothing may commit.
      if (done.applied !== balances.length) throw new LedgerInvariantError('a balance was refused after its check');
      return toPosted(row, written, accounts, false);
    }, tx);
  }

  /** The entry posted under `key`, if any. */
  async findEntry(key: string, tx?: DbOrTx): Promise<PostedEntry | undefined> {
    const found = await this.repo.entryByKey(key, tx);
    if (!found) return undefined;
    const accounts = await Promise.all(found.postings.map((p) => this.repo.accountById(p.accountId, tx)));
    const byCode = new Map(accounts.map((a) => [a!.code, this.accounts.checked(a!)]));
    return toPosted(found.entry, found.postings, byCode, true);
  }

  /** The account, created (empty) on first use. An owned account needs an existing user (404 otherwise). */
  async account(ref: AccountRef, tx?: DbOrTx): Promise<LedgerAccount> {
    const accounts = await this.repo.transaction((t) => this.accounts.resolve([ref], t), tx);
    return accounts.get(accountCode(ref))!;
  }

  /** The account if it exists (a read never creates one). */
  async findAccount(ref: AccountRef, tx?: DbOrTx): Promise<LedgerAccount | undefined> {
    const [row] = await this.repo.accountsByCode([accountCode(ref)], tx);
    return row ? this.accounts.checked(row) : undefined;
  }

  /** The cached balance of an account, in its normal sense. */
  async balance(accountId: string, tx?: DbOrTx): Promise<number> {
    const row = await this.repo.accountById(accountId, tx);
    if (!row) throw new LedgerInvariantError(`no ledger account ${accountId}`);
    return row.balanceMinor;
  }

  /**
   * An account's postings with their entries, newest first, after the keyset position `before` (a posting
   * id); amounts as posted (debit positive). For a module's own view of an account it owns (loyalty's points).
   */
  history(accountId: string, before: string | undefined, limit: number, tx?: DbOrTx): Promise<LedgerHistoryRow[]> {
    return this.repo.history(accountId, before, limit, tx);
  }

  private check(entry: PostEntry): void {
    if (entry.key.length < 1 || entry.key.length > 300)
      throw new LedgerInvariantError('an entry key has 1..300 characters');
    if (!ENTRY_KIND_RE.test(entry.kind)) throw new LedgerInvariantError(`entry kind ${entry.kind} is not event-like`);
    if ((entry.refType === undefined) !== (entry.refId === undefined))
      throw new LedgerInvariantError('refType and refId go together');
    if (entry.refId !== undefined && !UUID_RE.test(entry.refId)) throw new LedgerInvariantError('refId is a uuid');
    for (const line of entry.lines)
      if ('ownerId' in line.account && !UUID_RE.test(line.account.ownerId))
        throw new LedgerInvariantError(`owner ${line.account.ownerId} is not a user id`);
    checkLines(entry.lines, this.currency);
  }

  /** A key posted before: the same movement answers the first entry; another movement under it is refused. */
  private replay(
    entry: PostEntry,
    lines: PostedEntry['lines'],
    existing: { entry: EntryRow; postings: PostingRow[] },
  ): PostedEntry {
    const sig = (ls: readonly { accountId: string; amountMinor: number }[]) =>
      ls
        .map((l) => `${l.accountId}:${l.amountMinor}`)
        .sort()
        .join(',');
    const e = existing.entry;
    if (
      e.kind !== entry.kind ||
      e.refType !== (entry.refType ?? null) ||
      e.refId !== (entry.refId?.toLowerCase() ?? null) ||
      sig(existing.postings) !== sig(lines)
    )
      throw PaymentErrors.entryConflict();
    const byId = new Map(lines.map((l) => [l.accountId, l]));
    return {
      ...entryFields(e),
      lines: existing.postings.map((p) => ({ ...byId.get(p.accountId)!, amountMinor: p.amountMinor })),
      replayed: true,
    };
  }
}

const entryFields = (e: EntryRow) => ({
  id: e.id,
  key: e.key,
  kind: e.kind,
  refType: e.refType,
  refId: e.refId,
  memo: e.memo,
  createdBy: e.createdBy,
  createdAt: e.createdAt,
});

function toPosted(
  e: EntryRow,
  rows: PostingRow[],
  accounts: Map<string, LedgerAccount>,
  replayed: boolean,
): PostedEntry {
  const byId = new Map([...accounts.values()].map((a) => [a.id, a]));
  return {
    ...entryFields(e),
    lines: rows.map((p) => ({
      accountId: p.accountId,
      code: byId.get(p.accountId)!.code,
      currency: p.currency,
      amountMinor: p.amountMinor,
    })),
    replayed,
  };
}
