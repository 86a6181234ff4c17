import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { isForeignKeyViolation } from '../../db/refusal.js';
import { LedgerRepository, type AccountRow } from './ledger.repository.js';
import { PaymentErrors } from './payments.errors.js';
import {
  ACCOUNT_SPECS,
  LedgerInvariantError,
  accountCode,
  currencyOf,
  ownerOf,
  type AccountKind,
  type AccountRef,
  type NormalSide,
} from './payments.rules.js';

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

/** The ledger's accounts by code: found, created on first use, and locked for a posting (LedgerService). */
@Injectable()
export class LedgerAccounts {
  private readonly currency: string;

  constructor(
    private readonly repo: LedgerRepository,
    @Inject(CONFIG) config: Config,
  ) {
    this.currency = config.payments.currency;
  }

  /**
   * The entry's accounts, those a person holds locked (in id order, with their balances). House accounts
   * (revenue, clearing: they may go negative, nothing decides on their balance) are neither locked nor read
   * again once known: their rows never change but for balances this code does not read. So a posting on
   * existing accounts costs one statement here; a first use creates the missing accounts (resolve).
   */
  async lock(
    refs: readonly AccountRef[],
    tx: DbOrTx,
  ): Promise<{ accounts: Map<string, LedgerAccount>; locked: AccountRow[] }> {
    const codes = new Map(refs.map((r) => [accountCode(r), r]));
    const held = [...codes].filter(([, r]) => !ACCOUNT_SPECS[r.kind].mayGoNegative).map(([c]) => c);
    const house = [...codes.keys()].filter((c) => !held.includes(c));
    let locked = await this.repo.lockAccountsByCode(held, tx);
    if (locked.length === held.length && house.every((c) => this.houseAccounts.has(c))) {
      const accounts = new Map(locked.map((row) => [row.code, this.checked(row)]));
      for (const c of house) accounts.set(c, this.houseAccounts.get(c)!);
      return { accounts, locked };
    }
    const accounts = await this.resolve(refs, tx);
    // Held accounts created just now are locked after their creation (house ones are never locked).
    if (locked.length < held.length) locked = await this.repo.lockAccountsByCode(held, tx);
    return { accounts, locked };
  }
  /** House accounts by code, as read from committed rows (an account created in a transaction that may roll back is not kept). */
  private readonly houseAccounts = new Map<string, LedgerAccount>();
  /**
   * Codes this process inserted, by the transaction that inserted them: a later read in that transaction
   * sees them before they commit (a second posting of the same use case), so they are not cached from it.
   */
  private readonly createdIn = new WeakMap<DbOrTx, Set<string>>();

  /** The account as the ledger uses it; money accounts were opened in the deployment's currency. */
  checked(row: AccountRow): LedgerAccount {
    const kind = row.kind as AccountKind;
    // A changed CURRENCY must not mix into accounts opened in another.
    if (row.currency !== currencyOf(kind, this.currency))
      throw new LedgerInvariantError(
        `account ${row.code} holds ${row.currency}, not ${currencyOf(kind, this.currency)}`,
      );
    return toAccount(row);
  }

  /** Every account the refs name, by code, created (empty) when missing. */
  async resolve(refs: readonly AccountRef[], tx: DbOrTx): Promise<Map<string, LedgerAccount>> {
    const codes = [...new Set(refs.map(accountCode))];
    let rows = await this.repo.accountsByCode(codes, tx);
    const uncommitted = this.createdIn.get(tx);
    for (const row of rows)
      if (row.mayGoNegative && !uncommitted?.has(row.code)) this.houseAccounts.set(row.code, this.checked(row));
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
        const created = uncommitted ?? new Set<string>();
        for (const ref of missing) created.add(accountCode(ref));
        this.createdIn.set(tx, created);
      } catch (err) {
        if (isForeignKeyViolation(err, 'ledger_accounts_owner_fk')) throw PaymentErrors.accountHolderNotFound();
        throw err;
      }
      rows = await this.repo.accountsByCode(codes, tx);
    }
    const out = new Map<string, LedgerAccount>();
    for (const row of rows) out.set(row.code, this.checked(row));
    return out;
  }
}

export const toAccount = (row: AccountRow): LedgerAccount => ({
  id: row.id,
  code: row.code,
  kind: row.kind as AccountKind,
  ownerId: row.ownerId,
  currency: row.currency,
  normalSide: row.normalSide as NormalSide,
  mayGoNegative: row.mayGoNegative,
  balanceMinor: row.balanceMinor,
});
