import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { isForeignKeyViolation } from '../../db/refusal.js';
import type { Actor } from '../../kernel/auth/index.js';
import { UUID_RE } from '../../kernel/ids.js';
import { PaymentErrors } from './payments.errors.js';
import {
  LedgerRepository,
  type AccountRow,
  type EntryRow,
  type HistoryRow as LedgerHistoryRow,
  type PostingRow,
} from './ledger.repository.js';

export type { LedgerHistoryRow };
import {
  ACCOUNT_SPECS,
  ENTRY_KIND_RE,
  LedgerInvariantError,
  accountCode,
  balanceChanges,
  checkLines,
  currencyOf,
  ownerOf,
  type AccountKind,
  type AccountRef,
  type EntryLine,
  type NormalSide,
} from './payments.rules.js';

/** Shards of a house account's cached balance (migration 0016 allows up to 64). */
const BALANCE_SHARDS = 16;

export interface LedgerAccount {
  id: string;
  code: string;
  kind: AccountKind;
  ownerId: string | null;
  currency: string;
  normalSide: NormalSide;
  mayGoNegative: boolean;
  /** Cached sum of the account's postings, in its normal sense (a wallet holding 500 has 500). */
  balanceMinor: number;
}

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
   * Order of work: the accounts a person holds are locked in id order (their balance decides), then the key
   * is checked (a retry sees the first attempt once it commits, because it waits on the same locks), then
   * the entry, its postings and the cached balances are written. House accounts that may go negative
   * (revenue, clearing) add to one of their balance shards, picked at random, last: parallel entries on them
   * rarely wait for each other, and never for long.
   */
  async post(entry: PostEntry, tx?: DbOrTx): Promise<PostedEntry> {
    this.check(entry);
    return this.repo.transaction(async (t) => {
      const accounts = await this.resolve(
        entry.lines.map((l) => l.account),
        t,
      );
      const changes = balanceChanges(entry.lines);
      const held = [...accounts.values()].filter((a) => !a.mayGoNegative);
      const locked = await this.repo.lockAccounts(
        held.map((a) => a.id),
        t,
      );
      const lines = entry.lines.map((l) => {
        const account = accounts.get(accountCode(l.account))!;
        return { accountId: account.id, code: account.code, currency: account.currency, amountMinor: l.amountMinor };
      });

      const existing = await this.repo.entryByKey(entry.key, t);
      if (existing) return this.replay(entry, lines, existing);

      for (const account of locked) {
        if (account.balanceMinor + changes.get(account.code)! < 0) throw PaymentErrors.insufficientFunds();
      }

      const row = await this.repo.insertEntry(
        {
          key: entry.key,
          kind: entry.kind,
          refType: entry.refType ?? null,
          refId: entry.refId?.toLowerCase() ?? null,
          memo: entry.memo ?? null,
          createdBy: entry.actor?.kind === 'user' ? entry.actor.userId : null,
        },
        t,
      );
      // Taken in the meantime by an entry on other accounts (which our locks do not serialise with).
      if (!row) return this.replay(entry, lines, (await this.repo.entryByKey(entry.key, t))!);

      const written = await this.repo.insertPostings(
        lines.map((l) => ({
          entryId: row.id,
          accountId: l.accountId,
          currency: l.currency,
          amountMinor: l.amountMinor,
        })),
        t,
      );
      const order = [...accounts.values()].sort(
        (a, b) => Number(a.mayGoNegative) - Number(b.mayGoNegative) || (a.id < b.id ? -1 : 1),
      );
      for (const account of order) {
        const delta = changes.get(account.code)!;
        if (delta === 0) continue;
        // Nothing decides on a house account's balance: one of its shards takes the change (migration 0016).
        if (account.mayGoNegative) {
          await this.repo.addToShard(account.id, randomInt(BALANCE_SHARDS), delta, t);
          continue;
        }
        // Cannot be refused after the check above (the rows are locked); if it is, nothing may commit.
        if ((await this.repo.applyBalance(account.id, delta, t)) === undefined)
          throw new LedgerInvariantError(`balance of ${account.code} refused after its check`);
      }
      return toPosted(row, written, accounts, false);
    }, tx);
  }

  /** The entry posted under `key`, if any. */
  async findEntry(key: string, tx?: DbOrTx): Promise<PostedEntry | undefined> {
    const found = await this.repo.entryByKey(key, tx);
    if (!found) return undefined;
    const accounts = await Promise.all(found.postings.map((p) => this.repo.accountById(p.accountId, tx)));
    const byCode = new Map(accounts.map((a) => [a!.code, toAccount(a!)]));
    return toPosted(found.entry, found.postings, byCode, true);
  }

  /** The account, created (empty) on first use. An owned account needs an existing user (404 otherwise). */
  async account(ref: AccountRef, tx?: DbOrTx): Promise<LedgerAccount> {
    const accounts = await this.repo.transaction((t) => this.resolve([ref], t), tx);
    return accounts.get(accountCode(ref))!;
  }

  /** The account if it exists (a read never creates one). */
  async findAccount(ref: AccountRef, tx?: DbOrTx): Promise<LedgerAccount | undefined> {
    const [row] = await this.repo.accountsByCode([accountCode(ref)], tx);
    return row ? toAccount(row) : undefined;
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

  /** Every account the lines name, by code, created when missing. */
  private async resolve(refs: readonly AccountRef[], tx: DbOrTx): Promise<Map<string, LedgerAccount>> {
    const codes = [...new Set(refs.map(accountCode))];
    let rows = await this.repo.accountsByCode(codes, tx);
    if (rows.length < codes.length) {
      const have = new Set(rows.map((r) => r.code));
      const missing = refs.filter((r) => !have.has(accountCode(r)));
      try {
        await this.repo.insertAccounts(
          missing.map((ref) => {
            const spec = ACCOUNT_SPECS[ref.kind];
            return {
              code: accountCode(ref),
              kind: ref.kind,
              ownerId: ownerOf(ref),
              currency: currencyOf(ref.kind, this.currency),
              normalSide: spec.normalSide,
              mayGoNegative: spec.mayGoNegative,
            };
          }),
          tx,
        );
      } catch (err) {
        if (isForeignKeyViolation(err, 'ledger_accounts_owner_fk')) throw PaymentErrors.accountHolderNotFound();
        throw err;
      }
      rows = await this.repo.accountsByCode(codes, tx);
    }
    const out = new Map<string, LedgerAccount>();
    for (const row of rows) {
      const kind = row.kind as AccountKind;
      // Money accounts were opened in the deployment's currency; a changed CURRENCY must not mix into them.
      if (row.currency !== currencyOf(kind, this.currency))
        throw new LedgerInvariantError(
          `account ${row.code} holds ${row.currency}, not ${currencyOf(kind, this.currency)}`,
        );
      out.set(row.code, toAccount(row));
    }
    return out;
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

const toAccount = (row: AccountRow): LedgerAccount => ({
  id: row.id,
  code: row.code,
  kind: row.kind as AccountKind,
  ownerId: row.ownerId,
  currency: row.currency,
  normalSide: row.normalSide as NormalSide,
  mayGoNegative: row.mayGoNegative,
  balanceMinor: row.balanceMinor,
});

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
