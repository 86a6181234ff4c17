import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { CardPaymentsRepository, type CardRefundRow, type IntentRow } from './card-payments.repository.js';
import { CardPaymentsService } from './card-payments.service.js';
import type { GatewayRefund } from './gateway.js';
import { LedgerService } from './ledger.service.js';
import { PaymentErrors } from './payments.errors.js';
import { Accounts, credit, debit } from './payments.rules.js';

export interface CardRefundRequest {
  /** The order whose card payment is given back (its paid intent is found), or the intent itself. */
  orderId?: string;
  /** Or the appointment whose card payment is given back (its paid intent is found). */
  appointmentId?: string;
  intentId?: string;
  amountMinor: number;
  /** The ledger entry's key, unique per refund (`order:<id>:refund:<n>:card`): a retry refunds once. */
  key: string;
  actor: Actor;
  memo?: string;
}

export interface CardRefund {
  id: string;
  intentId: string;
  key: string;
  amountMinor: number;
  status: 'requested' | 'succeeded' | 'failed';
  /** True when the key had been refunded before: nothing moved this time. */
  replayed: boolean;
}

/**
 * Refunds to the card (exported from index.ts), for the refunds of orders and appointments: the money leaves the
 * customer's wallet for gateway clearing in the caller's transaction, the gateway is asked after commit, and
 * a refund it did not confirm is asked again (the payments.send-card-refunds job).
 */
@Injectable()
export class CardRefundsService {
  private readonly logger = new Logger('CardRefunds');

  constructor(
    private readonly repo: CardPaymentsRepository,
    private readonly ledger: LedgerService,
    private readonly payments: CardPaymentsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Gives card money back (for the refunds of the orders module): in the caller's transaction, posts `key`
   * (debit the customer's wallet, credit gateway clearing: the caller first puts the refunded amount into the
   * wallet, e.g. revenue → wallet) and records the card refund as `requested`. Never more than the intent was
   * paid minus its earlier card refunds (409 `payments/refund-exceeds-paid`); a wallet short of the amount
   * 409 `payments/insufficient-funds`. The same key again answers the first refund (`replayed`).
   *
   * The gateway is asked by `sendRefund(id)`, which the caller runs after its transaction commits; a refund
   * the gateway did not confirm stays `requested` (with its last error) and is sent again by the next call.
   */
  async refundToCard(input: CardRefundRequest, tx?: DbOrTx): Promise<CardRefund> {
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0)
      throw new RangeError('a card refund is a positive whole amount');
    return this.repo.transaction(async (t) => {
      const existing = await this.repo.refundByKey(input.key, t);
      if (existing) return this.replayRefund(existing, input);
      const intent = await this.refundableIntent(input, t);
      const refunded = await this.repo.refundedOf(intent.id, t);
      if (refunded + input.amountMinor > intent.amountMinor)
        throw PaymentErrors.refundExceedsPaid(intent.amountMinor - refunded);
      await this.ledger.post(
        {
          key: input.key,
          kind: 'card.refund',
          refType: 'payment_intent',
          refId: intent.id,
          actor: input.actor,
          memo: input.memo ?? 'Refund to card',
          lines: [
            debit(Accounts.wallet(intent.customerId), input.amountMinor),
            credit(Accounts.gatewayClearing, input.amountMinor),
          ],
        },
        t,
      );
      const row = await this.repo.insertRefund(
        {
          intentId: intent.id,
          key: input.key,
          amountMinor: input.amountMinor,
          status: 'requested',
          createdBy: input.actor.kind === 'user' ? input.actor.userId : null,
        },
        t,
      );
      // The ledger key is unique too: a concurrent refund with this key lost its post above, so this holds.
      return toRefund(row!, false);
    }, tx);
  }

  /** Asks the gateway for a requested card refund (after the refund's transaction committed). */
  async sendRefund(refundId: string): Promise<CardRefund> {
    const gateway = this.payments.assertAvailable();
    const [row] = await this.repo.refundsById([refundId]);
    if (!row) throw PaymentErrors.intentNotFound();
    if (row.status !== 'requested') return toRefund(row, true);
    const intent = (await this.repo.find(row.intentId))!;
    let answer: GatewayRefund;
    try {
      // Once the gateway accepted it, ask about that refund: its idempotency key does not live forever.
      answer = row.gatewayRefundRef
        ? await gateway.refundStatus(row.gatewayRefundRef)
        : await gateway.refund(intent.gatewayRef!, row.amountMinor, `refund:${row.key}`);
    } catch (err) {
      this.logger.warn(`card refund ${row.id} not sent: ${(err as Error).message}`);
      await this.repo.settleRefund(row.id, { status: 'requested', lastError: (err as Error).message.slice(0, 500) });
      return toRefund(row, false);
    }
    if (answer.status === 'failed') return this.refundFailed(row, intent, answer.refundRef);
    await this.repo.settleRefund(row.id, {
      status: answer.status === 'succeeded' ? 'succeeded' : 'requested',
      gatewayRefundRef: answer.refundRef,
      lastError: null,
    });
    return { ...toRefund(row, false), status: answer.status === 'succeeded' ? 'succeeded' : 'requested' };
  }

  /**
   * The card took nothing back: the refund is `failed` and its money returns to the customer's wallet
   * (`<key>:reversed`, debit gateway clearing, credit wallet), once, in one transaction.
   */
  private async refundFailed(row: CardRefundRow, intent: IntentRow, refundRef: string): Promise<CardRefund> {
    this.logger.warn(`card refund ${row.id} failed at the gateway: its money goes back to the wallet`);
    await this.repo.transaction(async (t) => {
      if (!(await this.repo.failRefund(row.id, refundRef, t))) return;
      await this.ledger.post(
        {
          key: `${row.key}:reversed`,
          kind: 'card.refund_failed',
          refType: 'payment_intent',
          refId: intent.id,
          memo: 'The refund to the card failed: back to the wallet',
          lines: [
            debit(Accounts.gatewayClearing, row.amountMinor),
            credit(Accounts.wallet(intent.customerId), row.amountMinor),
          ],
        },
        t,
      );
    });
    return { ...toRefund(row, false), status: 'failed' };
  }

  /**
   * The job: card refunds still `requested` (the gateway failed or the process stopped before asking it)
   * whose last try is older than `olderThanMs`, sent again. Each send is idempotent at the gateway (its key
   * is the refund's) and settles the row only while it is requested. Answers how many were tried.
   */
  async sendPendingRefunds(olderThanMs = 5 * 60_000, limit = 100): Promise<number> {
    if (!this.payments.enabled) return 0;
    const ids = await this.repo.requestedRefundIds(new Date(this.clock.now().getTime() - olderThanMs), limit);
    for (const id of ids) await this.sendRefund(id);
    return ids.length;
  }

  private async refundableIntent(input: CardRefundRequest, t: DbOrTx): Promise<IntentRow> {
    const candidates = input.intentId
      ? [await this.repo.find(input.intentId, t)].filter((i): i is IntentRow => i?.status === 'paid')
      : input.orderId
        ? await this.repo.paidForOrder(input.orderId, t)
        : input.appointmentId
          ? await this.repo.paidFor('appointment', input.appointmentId, t)
          : [];
    if (candidates.length === 0) throw PaymentErrors.nothingPaidByCard();
    let most = 0;
    for (const candidate of candidates) {
      const locked = (await this.repo.lockForEvent(
        candidate.gateway,
        candidate.gatewayRef ?? undefined,
        candidate.id,
        t,
      ))!;
      const left = locked.amountMinor - (await this.repo.refundedOf(locked.id, t));
      if (left >= input.amountMinor) return locked;
      most = Math.max(most, left);
    }
    throw PaymentErrors.refundExceedsPaid(most);
  }

  private replayRefund(existing: CardRefundRow, input: CardRefundRequest): CardRefund {
    if (existing.amountMinor !== input.amountMinor || (input.intentId && existing.intentId !== input.intentId))
      throw PaymentErrors.entryConflict();
    return toRefund(existing, true);
  }
}

const toRefund = (r: CardRefundRow, replayed: boolean): CardRefund => ({
  id: r.id,
  intentId: r.intentId,
  key: r.key,
  amountMinor: r.amountMinor,
  status: r.status as CardRefund['status'],
  replayed,
});
