import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { SYSTEM_ACTOR } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { OutboxService } from '../../kernel/events/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import { PaymentEvents, intentUpdated } from './card-payments.events.js';
import { intentPaidKey, statesBefore, type IntentPurpose, type IntentStatus } from './card-payments.machine.js';
import { CardPaymentsRepository, type IntentRow } from './card-payments.repository.js';
import { CardPaymentsService, type PaidIntent } from './card-payments.service.js';
import { PAYMENT_GATEWAY, WebhookSignatureError, type GatewayEvent, type PaymentGateway } from './gateway.js';
import { LedgerService } from './ledger.service.js';
import type { WebhookAnswer } from './payments.dto.js';
import { PaymentErrors } from './payments.errors.js';
import { Accounts, credit, debit } from './payments.rules.js';

/**
 * The gateway's webhook: verified, recorded once per event, and acted on once per payment. What a payment
 * does beyond the wallet credit is its purpose's handler, registered with CardPaymentsService.onPaid.
 */
@Injectable()
export class CardWebhooksService {
  private readonly logger = new Logger('CardWebhooks');

  constructor(
    private readonly repo: CardPaymentsRepository,
    private readonly payments: CardPaymentsService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    @Inject(OutboxService) private readonly outbox: OutboxService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway | null,
  ) {}

  /**
   * POST /v1/payments/webhooks/:gateway. The signature is checked over the raw body first: a missing or
   * forged one answers 400 `payments/bad-signature`, is audited, and changes nothing. Then, in ONE
   * transaction: the event is recorded once per gateway event id (a repeated delivery stops there, also when
   * ten arrive at once: they wait on the first one's unique key), the intent is locked and moved
   * conditionally, and a payment's money is posted and handed to its purpose's handler.
   */
  async receiveWebhook(
    rawBody: string,
    headers: Record<string, string | string[] | undefined>,
    meta?: RequestMeta,
  ): Promise<WebhookAnswer> {
    let event: GatewayEvent;
    try {
      if (!this.gateway) throw new WebhookSignatureError('no card gateway is configured');
      event = this.gateway.parseWebhook(rawBody, headers);
    } catch (err) {
      if (!(err instanceof WebhookSignatureError) && !(err instanceof SyntaxError)) throw err;
      await this.audit.recordSafely({
        actor: { kind: 'anonymous' },
        action: 'payments.webhook_rejected',
        subjectType: 'gateway',
        subjectId: this.gateway?.name ?? 'none',
        outcome: 'denied',
        meta,
        details: { reason: err.message.slice(0, 300), bytes: Buffer.byteLength(rawBody) },
      });
      throw PaymentErrors.badSignature();
    }
    const gateway = this.gateway!.name;
    return this.repo.transaction(async (t) => {
      const recorded = await this.repo.insertEvent(
        {
          gateway,
          eventId: event.id,
          type: event.type,
          kind: event.kind,
          payload: event.payload,
          outcome: 'received',
        },
        t,
      );
      if (!recorded) {
        const first = await this.repo.findEvent(gateway, event.id, t);
        return { received: true as const, outcome: `duplicate: ${first?.outcome ?? 'seen before'}` };
      }
      const { outcome, intentId } = await this.apply(gateway, event, t);
      await this.repo.settleEvent(recorded.id, outcome, intentId, t);
      return { received: true as const, outcome };
    });
  }

  private async apply(
    gateway: string,
    event: GatewayEvent,
    t: DbOrTx,
  ): Promise<{ outcome: string; intentId: string | null }> {
    if (event.kind === 'ignored') return { outcome: 'ignored', intentId: null };
    // A purpose whose handler locks its object (an order) has it locked first, before the intent and the
    // wallet: a cancellation or refund of that order takes the order, then the wallet, then the intent.
    const named = await this.repo.lockForEvent(gateway, event.gatewayRef, event.intentId, t, false);
    const lockFirst = named?.refId ? this.payments.paidLock(named.purpose as IntentPurpose) : undefined;
    if (lockFirst && named?.refId) await lockFirst(named.refId, t);
    const intent = await this.repo.lockForEvent(gateway, event.gatewayRef, event.intentId, t);
    if (!intent) {
      this.logger.warn(`${gateway} event ${event.id} (${event.type}) names no intent we know`);
      return { outcome: 'unknown intent', intentId: null };
    }
    const gatewayRef = intent.gatewayRef ?? event.gatewayRef ?? null;
    if (event.kind !== 'paid') {
      const to: IntentStatus = event.kind;
      const moved = await this.repo.move(intent.id, statesBefore(to), to, { gatewayRef }, t);
      if (!moved) return { outcome: `${to} ignored: the payment is ${intent.status}`, intentId: intent.id };
      await this.outbox.publish(PaymentEvents.intentUpdated, intentUpdated(moved, intent.status), t);
      return { outcome: to, intentId: intent.id };
    }
    if (event.amountMinor !== intent.amountMinor || event.currency !== intent.currency) {
      // Never credit what we did not ask for; support reconciles it with the gateway's records.
      this.logger.error(
        `${gateway} event ${event.id}: paid ${event.amountMinor} ${event.currency} for intent ${intent.id} of ${intent.amountMinor} ${intent.currency}`,
      );
      return {
        outcome: `amount mismatch: paid ${event.amountMinor} ${event.currency}, asked ${intent.amountMinor} ${intent.currency}`,
        intentId: intent.id,
      };
    }
    const moved = await this.repo.move(
      intent.id,
      statesBefore('paid'),
      'paid',
      { gatewayRef, paidAt: this.clock.now() },
      t,
    );
    if (!moved) return { outcome: `paid ignored: the payment is ${intent.status}`, intentId: intent.id };
    await this.ledger.post(
      {
        key: intentPaidKey(intent.id),
        kind: 'card.paid',
        refType: 'payment_intent',
        refId: intent.id,
        actor: SYSTEM_ACTOR,
        memo: moved.purpose === 'wallet_top_up' ? 'Wallet top-up by card' : 'Card payment',
        lines: [
          debit(Accounts.gatewayClearing, intent.amountMinor),
          credit(Accounts.wallet(intent.customerId), intent.amountMinor),
        ],
      },
      t,
    );
    await this.outbox.publish(PaymentEvents.intentUpdated, intentUpdated(moved, intent.status), t);
    const handler = this.payments.paidHandler(moved.purpose as IntentPurpose);
    const then = handler ? await handler(toPaid(moved), t) : 'wallet topped up';
    return { outcome: `paid: credited to the wallet; ${then}`, intentId: intent.id };
  }
}

const toPaid = (i: IntentRow): PaidIntent => ({
  id: i.id,
  purpose: i.purpose as IntentPurpose,
  refId: i.refId,
  customerId: i.customerId,
  amountMinor: i.amountMinor,
  currency: i.currency,
});
