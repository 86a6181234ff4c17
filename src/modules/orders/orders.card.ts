import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { SYSTEM_ACTOR, type UserActor } from '../../kernel/auth/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import { CardPaymentsService, LedgerService, type CheckoutPaymentView, type PaidIntent } from '../payments/index.js';
import { OrderErrors } from './orders.errors.js';
import { OrdersRepository } from './orders.repository.js';
import { captureLines, orderEntry } from './orders.rules.js';
import { OrdersService } from './orders.service.js';

/**
 * What a card payment does to its order (registered with payments at boot, which must not import orders).
 * It runs in the webhook's transaction, after the gateway's money was credited to the customer's wallet:
 * the order row is locked; an order still `pending_payment` is paid from the wallet (the capture entry, as a
 * wallet order's at checkout) and confirmed by the system (history row and order.updated, like any step).
 * An order that expired or was cancelled meanwhile (a late webhook) is left as it is, and the money stays in
 * the wallet, where the customer can spend it or support can send it back to the card.
 */
@Injectable()
export class OrderCardPayments implements OnModuleInit {
  constructor(
    private readonly cardPayments: CardPaymentsService,
    private readonly ledger: LedgerService,
    private readonly repo: OrdersRepository,
    private readonly orders: OrdersService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.cardPayments.onPaid('order', (intent, tx) => this.paid(intent, tx), {
      lockFirst: (orderId, tx) => this.repo.lock(orderId, tx),
    });
  }

  async paid(intent: PaidIntent, tx: DbOrTx): Promise<string> {
    const order = intent.refId ? await this.repo.lock(intent.refId, tx) : undefined;
    if (!order) return 'no such order: the money stays in the wallet';
    if (order.status !== 'pending_payment') return `order ${order.status}: the money stays in the wallet`;
    if (order.customerId !== intent.customerId || order.totalMinor !== intent.amountMinor)
      return 'the order no longer matches the payment: the money stays in the wallet';
    const lines = captureLines('wallet', order.customerId, order.totalMinor);
    await this.ledger.post(orderEntry(order.id, 'capture', lines, SYSTEM_ACTOR, 'Paid by card'), tx);
    await this.orders.advance(SYSTEM_ACTOR, order, 'confirmed', 'card payment received', tx);
    return 'order confirmed';
  }

  /**
   * POST /v1/orders/:id/payment: the checkout page of the caller's card order that waits for its payment:
   * its open intent's page, or a new intent's when it has none (the first page expired, or a pharmacist's
   * approval moved an Rx order on to pending_payment). The intent is written under the order's lock (one
   * open intent per order, a unique index too); the page is made after commit. Another customer's order
   * answers 404 like a missing one (audited).
   */
  async pay(actor: UserActor, id: string, meta?: RequestMeta): Promise<CheckoutPaymentView> {
    const intentId = await this.repo.transaction(async (t) => {
      const order = await this.repo.lock(id, t);
      if (!order) throw OrderErrors.notFound();
      if (order.customerId !== actor.userId)
        throw await this.audit.notYours(actor, 'order', id, meta, OrderErrors.notFound());
      if (order.paymentMethod !== 'card' || order.status !== 'pending_payment')
        throw OrderErrors.notAwaitingPayment(order.status);
      const open = await this.cardPayments.openIntentOf(order.id, t);
      if (open) return open.id;
      const created = await this.cardPayments.createIntent(
        { purpose: 'order', refId: order.id, customerId: order.customerId, amountMinor: order.totalMinor },
        t,
      );
      return created.id;
    });
    return this.cardPayments.startCheckout(intentId, `Order ${id}`);
  }
}
