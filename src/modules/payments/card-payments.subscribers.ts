import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { OutboxService } from '../../kernel/events/index.js';
import { PaymentEvents, intentUpdated } from './card-payments.events.js';
import { CardPaymentsRepository } from './card-payments.repository.js';
import { PAYMENT_GATEWAY, type PaymentGateway } from './gateway.js';

/** What card payments do when other modules' objects change (their outbox events, after commit). */
@Injectable()
export class CardPaymentSubscribers implements OnModuleInit {
  private readonly logger = new Logger('CardPayments');

  constructor(
    private readonly repo: CardPaymentsRepository,
    @Inject(OutboxService) private readonly outbox: OutboxService,
    @Optional() @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway | null,
  ) {}

  onModuleInit(): void {
    // The orders module's topic, by name: payments reacts to orders' events and imports nothing of theirs.
    // Each in the delivery's transaction (embedded PostgreSQL has one connection, which that transaction holds).
    this.outbox.subscribe('order.updated', async (payload, _event, tx) => {
      const { orderId, to } = payload as { orderId: string; to: string };
      if (to === 'cancelled' || to === 'expired') await this.closeCheckoutOf(orderId, 'order', tx);
    });
    // Likewise an unpaid card booking cancelled or expired (appointments' topic, by name).
    this.outbox.subscribe('appointment.updated', async (payload, _event, tx) => {
      const { appointmentId, from, to } = payload as { appointmentId: string; from: string | null; to: string };
      if (from === 'pending_payment' && (to === 'cancelled' || to === 'expired'))
        await this.closeCheckoutOf(appointmentId, 'appointment', tx);
    });
  }

  /**
   * The order was cancelled or expired (its `order.updated` event, after commit): its open checkout page is
   * closed at the gateway and the intent expired, so the customer cannot pay for an order that is gone. A
   * gateway that refuses (the page was just paid, or already closed) changes nothing here: the webhook
   * tells, and a payment that slipped through stays in the wallet. Idempotent (the relay delivers at least
   * once).
   */
  async closeCheckoutOf(refId: string, purpose: 'order' | 'appointment' = 'order', tx?: DbOrTx): Promise<void> {
    if (!this.gateway) return;
    const intent = await this.repo.openFor(purpose, refId, tx);
    if (!intent || intent.status !== 'pending' || !intent.gatewayRef) return;
    try {
      await this.gateway.expireCheckout(intent.gatewayRef);
    } catch (err) {
      this.logger.warn(`checkout page of intent ${intent.id} not closed: ${(err as Error).message}`);
      return;
    }
    await this.repo.transaction(async (t) => {
      const moved = await this.repo.move(intent.id, ['pending'], 'expired', {}, t);
      if (moved) await this.outbox.publish(PaymentEvents.intentUpdated, intentUpdated(moved, 'pending'), t);
    }, tx);
  }
}
