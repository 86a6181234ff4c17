import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { SYSTEM_ACTOR } from '../../kernel/auth/index.js';
import { CardPaymentsService, LedgerService, type PaidIntent } from '../payments/index.js';
import { OrdersRepository } from './orders.repository.js';
import { captureKey, captureLines } from './orders.rules.js';
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
  ) {}

  onModuleInit(): void {
    this.cardPayments.onPaid('order', (intent, tx) => this.paid(intent, tx));
  }

  async paid(intent: PaidIntent, tx: DbOrTx): Promise<string> {
    const order = intent.refId ? await this.repo.lock(intent.refId, tx) : undefined;
    if (!order) return 'no such order: the money stays in the wallet';
    if (order.status !== 'pending_payment') return `order ${order.status}: the money stays in the wallet`;
    if (order.customerId !== intent.customerId || order.totalMinor !== intent.amountMinor)
      return 'the order no longer matches the payment: the money stays in the wallet';
    await this.ledger.post(
      {
        key: captureKey(order.id),
        kind: 'order.capture',
        refType: 'order',
        refId: order.id,
        actor: SYSTEM_ACTOR,
        memo: 'Paid by card',
        lines: captureLines('wallet', order.customerId, order.totalMinor),
      },
      tx,
    );
    await this.orders.advance(SYSTEM_ACTOR, order, 'confirmed', 'card payment received', tx);
    return 'order confirmed';
  }
}
