import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import type { AdjustmentBody, AdjustmentView, WalletEntryView, WalletQuery, WalletView } from './payments.dto.js';
import { PaymentErrors } from './payments.errors.js';
import { LedgerRepository, type HistoryRow } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';
import { ACCOUNT_SPECS, Accounts, balanceDelta, credit, debit } from './payments.rules.js';

const historyCursor = cursorShape(cursorField.id);

export interface Wallet {
  /** null until the first money reaches the wallet (a read never opens one). */
  accountId: string | null;
  balanceMinor: number;
  currency: string;
}

/** A customer's wallet: its balance, its history, and support's corrections of it (exported from index.ts). */
@Injectable()
export class WalletService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly repo: LedgerRepository,
    private readonly audit: AuditService,
  ) {}

  async walletOf(customerId: string, tx?: DbOrTx): Promise<Wallet> {
    const account = await this.ledger.findAccount(Accounts.wallet(customerId), tx);
    return {
      accountId: account?.id ?? null,
      balanceMinor: account?.balanceMinor ?? 0,
      currency: account?.currency ?? this.ledger.moneyCurrency,
    };
  }

  /** The wallet's movements, newest first; amounts from the customer's side (money in positive). */
  async history(customerId: string, query: WalletQuery, tx?: DbOrTx): Promise<Page<WalletEntryView>> {
    const after = decodeCursor(query.cursor, historyCursor);
    const wallet = await this.ledger.findAccount(Accounts.wallet(customerId), tx);
    if (!wallet) return { items: [], nextCursor: null };
    const rows = await this.repo.history(wallet.id, after?.[0], query.limit + 1, tx);
    return toPage(rows, query.limit, (r) => [r.postingId], toEntryView);
  }

  /** GET /v1/wallet: the signed-in account's own wallet (there is no way to name another's). */
  async mine(actor: UserActor, query: WalletQuery): Promise<WalletView> {
    // Two reads: a payment committed between them may show in one and not yet in the other, as on any
    // banking screen; the next read agrees.
    const [wallet, entries] = await Promise.all([this.walletOf(actor.userId), this.history(actor.userId, query)]);
    return { balanceMinor: wallet.balanceMinor, currency: wallet.currency, entries };
  }

  /**
   * A support correction: credits the wallet (positive) or takes money back (negative, never below zero),
   * audited in the same transaction. The Idempotency-Key is part of the entry's key, so a retried request
   * moves the money once even after the HTTP replay record is gone; the same key for another correction
   * is refused (409 `payments/entry-conflict`).
   */
  async adjust(
    actor: UserActor,
    userId: string,
    body: AdjustmentBody,
    idempotencyKey: string | undefined,
    meta?: RequestMeta,
    tx?: DbOrTx,
  ): Promise<AdjustmentView> {
    if (!idempotencyKey) throw PaymentErrors.idempotencyKeyRequired();
    const wallet = Accounts.wallet(userId);
    const amount = body.amountMinor;
    return this.repo.transaction(async (t) => {
      const posted = await this.ledger.post(
        {
          key: `wallet.adjustment:${actor.userId}:${idempotencyKey}`,
          kind: 'wallet.adjustment',
          memo: body.reason,
          actor,
          lines:
            amount > 0
              ? [debit(Accounts.adjustments, amount), credit(wallet, amount)]
              : [credit(Accounts.adjustments, -amount), debit(wallet, -amount)],
        },
        t,
      );
      const line = posted.lines.find((l) => l.code.startsWith('wallet:'))!;
      if (!posted.replayed) {
        await this.audit.record(
          {
            actor,
            action: 'wallet.adjusted',
            subjectType: 'user',
            subjectId: userId,
            meta,
            details: { entryId: posted.id, amountMinor: amount, reason: body.reason },
          },
          t,
        );
      }
      return {
        entryId: posted.id,
        userId,
        amountMinor: amount,
        balanceMinor: await this.ledger.balance(line.accountId, t),
        currency: line.currency,
        replayed: posted.replayed,
      };
    }, tx);
  }
}

const toEntryView = (r: HistoryRow): WalletEntryView => ({
  id: r.postingId,
  entryId: r.entryId,
  kind: r.kind,
  amountMinor: balanceDelta(ACCOUNT_SPECS.wallet.normalSide, r.amountMinor),
  refType: r.refType,
  refId: r.refId,
  memo: r.memo,
  createdAt: r.createdAt.toISOString(),
});
