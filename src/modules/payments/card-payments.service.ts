import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { OutboxService } from '../../kernel/events/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import { AuditService } from '../audit/index.js';
import { CardPaymentsRepository, type IntentRow } from './card-payments.repository.js';
import { PaymentEvents, intentUpdated } from './card-payments.events.js';
import type { IntentPurpose, IntentStatus } from './card-payments.machine.js';
import { PAYMENT_GATEWAY, type PaymentGateway } from './gateway.js';
import { LedgerService } from './ledger.service.js';
import type { CheckoutPaymentView, IntentView, TopUpBody } from './payments.dto.js';
import { PaymentErrors } from './payments.errors.js';

/** An intent whose money has just reached the customer's wallet (what an onPaid handler is given). */
export interface PaidIntent {
  id: string;
  purpose: IntentPurpose;
  /** The order of an `order` intent, the appointment of an `appointment` one; null for a top-up. */
  refId: string | null;
  customerId: string;
  amountMinor: number;
  currency: string;
}

/**
 * Runs in the webhook's transaction after the wallet was credited; answers what it did, for the event's
 * outcome (`order confirmed`, `order cancelled: the money stays in the wallet`). A throw rolls the whole
 * delivery back, and the gateway delivers it again later.
 */
export type PaidHandler = (intent: PaidIntent, tx: DbOrTx) => Promise<string>;
/** Locks what a paid handler works on (its purpose's object, named by the intent's ref id). */
export type PaidLock = (refId: string, tx: DbOrTx) => Promise<unknown>;

export { PaymentEvents };

/**
 * Card payments through the bound gateway (exported from index.ts): intents for orders and top-ups, the
 * hosted checkout page and the paid handlers the webhook runs (refunds to the card: CardRefundsService). Payments does not know
 * orders: the orders module registers what an order's payment does once paid (`onPaid('order', ...)`).
 *
 * Money path: the gateway's payment lands in the customer's wallet first (`intent:<id>:paid`, debit gateway
 * clearing, credit wallet); the purpose's handler then spends it (an order's capture from the wallet) in the
 * same transaction. A late or orphaned payment so stays visible in the wallet, never lost.
 */
@Injectable()
export class CardPaymentsService {
  private readonly logger = new Logger('CardPayments');
  private readonly handlers = new Map<IntentPurpose, PaidHandler>();
  private readonly locks = new Map<IntentPurpose, PaidLock>();
  private readonly card: Config['payments']['card'];
  private readonly topUpLimits: Config['payments']['topUp'];

  constructor(
    private readonly repo: CardPaymentsRepository,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    @Inject(OutboxService) private readonly outbox: OutboxService,
    @Inject(CONFIG) config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway | null,
  ) {
    this.card = config.payments.card;
    this.topUpLimits = config.payments.topUp;
  }

  /** Whether a card gateway is configured (CARD_GATEWAY). */
  get enabled(): boolean {
    return !!this.gateway;
  }

  /** What paying an intent of `purpose` does after the wallet was credited (one handler per purpose). */
  onPaid(purpose: IntentPurpose, handler: PaidHandler, opts: { lockFirst?: PaidLock } = {}): void {
    if (this.handlers.has(purpose)) throw new Error(`a paid handler for ${purpose} is registered already`);
    this.handlers.set(purpose, handler);
    if (opts.lockFirst) this.locks.set(purpose, opts.lockFirst);
  }

  /**
   * What the webhook locks before the intent and the wallet, for a purpose whose handler locks something of
   * its own (an order): taken first, in the order a cancellation or a refund of it takes them, so the two
   * never wait for each other in a circle.
   */
  paidLock(purpose: IntentPurpose): PaidLock | undefined {
    return this.locks.get(purpose);
  }

  /** The handler registered for `purpose` (the webhook runs it), if any. */
  paidHandler(purpose: IntentPurpose): PaidHandler | undefined {
    return this.handlers.get(purpose);
  }

  /** 400 `payments/card-unavailable` unless a gateway is configured. */
  assertAvailable(field?: string): PaymentGateway {
    if (!this.gateway) throw PaymentErrors.cardUnavailable(field);
    return this.gateway;
  }

  /**
   * 400 `payments/amount-out-of-range` unless the gateway takes `amountMinor` (CARD_MIN_MINOR and up): for a
   * caller that writes its intent later (an Rx card order, paid once its pharmacist approves).
   */
  assertPayable(amountMinor: number, field = 'amountMinor'): void {
    if (amountMinor < this.card.minMinor)
      throw PaymentErrors.amountOutOfRange(field, this.card.minMinor, Number.MAX_SAFE_INTEGER);
  }

  /**
   * Writes an intent in the caller's transaction (an order's, in its checkout). The amount must be one the
   * gateway takes (CARD_MIN_MINOR and up): else 400 `payments/amount-out-of-range` and the caller rolls back.
   */
  async createIntent(
    input: { purpose: IntentPurpose; refId?: string; customerId: string; amountMinor: number },
    tx: DbOrTx,
  ): Promise<IntentRow> {
    const gateway = this.assertAvailable();
    this.assertPayable(input.amountMinor);
    const intent = await this.repo.insertIntent(
      {
        id: newId(),
        purpose: input.purpose,
        refId: input.refId ?? null,
        customerId: input.customerId,
        amountMinor: input.amountMinor,
        currency: this.ledger.moneyCurrency,
        status: 'created',
        gateway: gateway.name,
      },
      tx,
    );
    await this.published(intent, null, tx);
    return intent;
  }

  /**
   * The intent's hosted checkout page, made after the intent committed (never inside a transaction: a slow
   * gateway must not hold row locks). Asking again answers the same page while it is pending. A gateway that
   * fails answers 503 `payments/gateway-unavailable` and leaves the intent `created`: nothing was charged,
   * and the page can be asked for again (POST /v1/payments/intents/:id/checkout).
   */
  async startCheckout(intentId: string, description: string): Promise<CheckoutPaymentView> {
    const intent = await this.repo.find(intentId);
    if (!intent) throw PaymentErrors.intentNotFound();
    if (intent.status === 'pending') return toCheckoutView(intent);
    if (intent.status !== 'created') throw PaymentErrors.intentClosed(intent.status);
    const gateway = this.assertAvailable();
    // Whole minutes, so a retry within the minute sends the same request under the same gateway key.
    const expiresAt = new Date(
      Math.floor((this.clock.now().getTime() + this.card.sessionTtlMinutes * 60_000) / 60_000) * 60_000,
    );
    let session;
    try {
      session = await gateway.createCheckout({
        intentId: intent.id,
        amountMinor: intent.amountMinor,
        currency: intent.currency,
        description,
        metadata: {
          purpose: intent.purpose,
          customerId: intent.customerId,
          ...(intent.refId && { ref: intent.refId }),
        },
        successUrl: this.card.successUrl,
        cancelUrl: this.card.cancelUrl,
        expiresAt,
        idempotencyKey: `intent:${intent.id}:session:${expiresAt.getTime() / 1000}`,
      });
    } catch (err) {
      this.logger.warn(`checkout page for intent ${intent.id} failed: ${(err as Error).message}`);
      throw PaymentErrors.gatewayUnavailable();
    }
    return this.repo.transaction(async (t) => {
      const moved = await this.repo.move(
        intent.id,
        ['created'],
        'pending',
        { gatewayRef: session.gatewayRef, redirectUrl: session.redirectUrl },
        t,
      );
      if (moved) {
        await this.published(moved, 'created', t);
        return toCheckoutView(moved);
      }
      // Another request made the page first (or the payment was already announced): answer what it is now.
      return toCheckoutView((await this.repo.find(intent.id, t))!);
    });
  }

  /**
   * The checkout page of an order's intent for the 201 answer of a card checkout: like startCheckout, but a
   * failing gateway answers the intent as `created` (no page yet) instead of an error, because the order
   * exists by now and an error would let a retry with the same Idempotency-Key place a second one.
   */
  async checkoutPage(intentId: string, description: string): Promise<CheckoutPaymentView> {
    try {
      return await this.startCheckout(intentId, description);
    } catch (err) {
      const intent = await this.repo.find(intentId);
      if (!intent) throw err;
      return toCheckoutView(intent);
    }
  }

  /** POST /v1/wallet/top-up: an intent for the amount and its checkout page; the webhook credits the wallet. */
  async topUp(actor: UserActor, body: TopUpBody): Promise<CheckoutPaymentView> {
    this.assertAvailable();
    const { minMinor, maxMinor } = this.topUpLimits;
    const min = Math.max(minMinor, this.card.minMinor);
    if (body.amountMinor < min || body.amountMinor > maxMinor)
      throw PaymentErrors.amountOutOfRange('amountMinor', min, maxMinor);
    const intent = await this.repo.transaction((t) =>
      this.createIntent({ purpose: 'wallet_top_up', customerId: actor.userId, amountMinor: body.amountMinor }, t),
    );
    return this.startCheckout(intent.id, 'Wallet top-up');
  }

  /** GET /v1/payments/intents/:id: the caller's own; another customer's answers 404 like a missing one (audited). */
  async mine(actor: UserActor, id: string, meta?: RequestMeta): Promise<IntentView> {
    return toIntentView(await this.owned(actor, id, meta));
  }

  /** POST /v1/payments/intents/:id/checkout: the page again (or for the first time, after a gateway failure). */
  async retryCheckout(actor: UserActor, id: string, meta?: RequestMeta): Promise<CheckoutPaymentView> {
    const intent = await this.owned(actor, id, meta);
    return this.startCheckout(intent.id, describe(intent));
  }

  /** The open intent of an order (created or pending), if it has one. */
  openIntentOf(orderId: string, tx?: DbOrTx): Promise<IntentRow | undefined> {
    return this.repo.openForOrder(orderId, tx);
  }

  /** The open intent of an appointment (created or pending), if it has one. */
  openAppointmentIntentOf(appointmentId: string, tx?: DbOrTx): Promise<IntentRow | undefined> {
    return this.repo.openFor('appointment', appointmentId, tx);
  }

  private async owned(actor: UserActor, id: string, meta?: RequestMeta): Promise<IntentRow> {
    const intent = await this.repo.find(id);
    if (!intent) throw PaymentErrors.intentNotFound();
    if (intent.customerId !== actor.userId)
      throw await this.audit.notYours(actor, 'payment_intent', id, meta, PaymentErrors.intentNotFound());
    return intent;
  }

  private published(intent: IntentRow, from: string | null, tx: DbOrTx): Promise<void> {
    return this.outbox.publish(PaymentEvents.intentUpdated, intentUpdated(intent, from), tx);
  }
}

const describe = (intent: IntentRow) =>
  intent.purpose === 'order'
    ? `Order ${intent.refId}`
    : intent.purpose === 'appointment'
      ? `Appointment ${intent.refId}`
      : 'Wallet top-up';

const toCheckoutView = (i: IntentRow): CheckoutPaymentView => ({
  intentId: i.id,
  status: i.status as IntentStatus,
  redirectUrl: i.status === 'pending' ? i.redirectUrl : null,
});

const toIntentView = (i: IntentRow): IntentView => ({
  id: i.id,
  purpose: i.purpose as IntentPurpose,
  orderId: i.purpose === 'order' ? i.refId : null,
  appointmentId: i.purpose === 'appointment' ? i.refId : null,
  amountMinor: i.amountMinor,
  currency: i.currency,
  status: i.status as IntentStatus,
  redirectUrl: i.status === 'pending' ? i.redirectUrl : null,
  paidAt: i.paidAt?.toISOString() ?? null,
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
});
