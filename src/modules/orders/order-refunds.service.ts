import { Inject, Injectable } from '@nestjs/common';
import { OutboxService } from '../../kernel/events/index.js';
import { canAtBranch, type UserActor } from '../../kernel/auth/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import { AuditService } from '../audit/index.js';
import { StockReturnsService } from '../inventory/index.js';
import { LoyaltyService } from '../loyalty/index.js';
import { CardRefundsService, LedgerService } from '../payments/index.js';
import type { RefundBody, RefundResult, RefundView } from './orders.dto.js';
import { OrderErrors } from './orders.errors.js';
import { OrderEvents } from './orders.events.js';
import { OrdersRepository, type RefundLineRow, type RefundRow } from './orders.repository.js';
import {
  lineRefundValue,
  refundDestination,
  staffRefundKey,
  staffRefundLines,
  type OrderStatus,
  type PaymentMethod,
} from './orders.rules.js';
import { OrdersService } from './orders.service.js';

const REFUNDABLE: readonly OrderStatus[] = ['completed', 'partially_refunded'];

/**
 * Staff refunds of a completed order (DOMAIN: a refund never exceeds what was captured minus earlier
 * refunds): money back to the wallet or the way it was paid, goods handed back to quarantine (dispensed
 * medicine is not resold), the order moved to partially_refunded or refunded, all in one transaction under the
 * order's lock, so parallel refunds add up to at most what was paid. Audited as a security event.
 */
@Injectable()
export class OrderRefundsService {
  constructor(
    private readonly repo: OrdersRepository,
    private readonly orders: OrdersService,
    private readonly returns: StockReturnsService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly cardRefunds: CardRefundsService,
    private readonly loyalty: LoyaltyService,
    @Inject(OutboxService) private readonly outbox: OutboxService,
  ) {}

  async refund(actor: UserActor, id: string, body: RefundBody, meta?: RequestMeta): Promise<RefundResult> {
    let cardRefundId: string | undefined;
    const result = await this.repo.transaction(async (t) => {
      const order = await this.repo.lock(id, t);
      if (!order) throw OrderErrors.notFound();
      if (!canAtBranch(actor, 'orders:refund', order.branchId))
        throw await this.audit.notYours(actor, 'order', id, meta, OrderErrors.notYourBranch());
      if (order.customerId === actor.userId) throw OrderErrors.selfRefund();
      if (!REFUNDABLE.includes(order.status as OrderStatus)) throw OrderErrors.notRefundable(order.status);
      const lines = (await this.repo.linesOf([id], t)).get(id) ?? [];
      const returned = await this.repo.returnedUnits(id, t);
      // Goods handed back give back the money paid for them: an order paid in part with points paid the rest
      // in points, which reverseForRefund gives back (else half the goods would bring back all the money).
      const money = {
        paidMinor: order.totalMinor,
        costMinor: order.subtotalMinor - order.discountMinor + order.deliveryFeeMinor,
      };
      const goods = (body.lines ?? []).map((want) => {
        const line = lines.find((l) => l.lineNo === want.lineNo);
        if (!line) throw OrderErrors.refundLineUnknown(want.lineNo);
        const before = returned.get(line.lineNo) ?? 0;
        if (want.quantity > line.quantity - before)
          throw OrderErrors.refundExceedsQuantity(line.lineNo, line.quantity - before);
        return { line, quantity: want.quantity, amountMinor: lineRefundValue(line, before, want.quantity, money) };
      });
      const refundable = order.totalMinor - order.refundedMinor;
      const amountMinor = body.amountMinor ?? goods.reduce((sum, g) => sum + g.amountMinor, 0);
      if (amountMinor > refundable) throw OrderErrors.refundExceedsCaptured(refundable);
      if (amountMinor < 1) throw OrderErrors.refundExceedsCaptured(refundable);

      const refundId = newId();
      const saved = await this.repo.insertRefund(
        { id: refundId, orderId: id, amountMinor, destination: body.to, reason: body.reason, actorId: actor.userId },
        goods.map((g) => ({ lineNo: g.line.lineNo, quantity: g.quantity, amountMinor: g.amountMinor })),
        t,
      );
      // Points earned on what came back are taken back, and points spent on it given back (their share):
      // before the money, as checkout takes points before the wallet (one lock order for a customer's accounts).
      await this.loyalty.reverseForRefund(
        {
          orderId: id,
          customerId: order.customerId,
          refundId,
          refundedTotalMinor: order.refundedMinor + amountMinor,
          orderTotalMinor: order.totalMinor,
        },
        actor,
        t,
      );
      const destination = refundDestination(order.paymentMethod as PaymentMethod, body.to);
      const key = staffRefundKey(id, refundId);
      await this.ledger.post(
        {
          key,
          kind: 'order.refund',
          refType: 'order',
          refId: id,
          memo: body.reason,
          actor,
          lines: staffRefundLines(destination === 'cash' ? 'cash' : 'wallet', order.customerId, amountMinor),
        },
        t,
      );
      // To the card: the refund passed through the wallet (a card payment reached revenue through it), and
      // goes on to the gateway; the gateway is asked once this transaction has committed.
      if (destination === 'card')
        cardRefundId = (
          await this.cardRefunds.refundToCard(
            { orderId: id, amountMinor, key: `${key}:card`, actor, memo: body.reason },
            t,
          )
        ).id;
      if (goods.length > 0)
        await this.returns.quarantine(
          order.reservationRef,
          goods.map((g) => ({ productId: g.line.productId, quantity: g.quantity })),
          { actor, reason: `refund ${refundId}: ${body.reason}`, movementRef: `refund:${refundId}` },
          t,
        );
      const full = order.refundedMinor + amountMinor === order.totalMinor;
      const to: OrderStatus = full ? 'refunded' : 'partially_refunded';
      const moved =
        to === order.status
          ? ((await this.repo.find(id, t)) ?? order)
          : await this.orders.advance(actor, order, to, body.reason, t);
      // The customer hears of every refund, also a second partial one that leaves the status as it was.
      await this.outbox.publish(
        OrderEvents.refunded,
        {
          orderId: id,
          customerId: order.customerId,
          branchId: order.branchId,
          refundId,
          amountMinor,
          to: body.to,
        },
        t,
      );
      await this.audit.record(
        {
          actor,
          action: 'order.refund',
          subjectType: 'order',
          subjectId: id,
          meta,
          details: { refundId, amountMinor, to: body.to, lines: saved.lines.length },
        },
        t,
      );
      return { ...refundToView(saved.refund, saved.lines), order: await this.orders.withLines(moved, t) };
    });
    // A gateway that does not answer leaves the card refund requested (sent again by the next sendRefund).
    if (cardRefundId) await this.cardRefunds.sendRefund(cardRefundId);
    return result;
  }

  /** GET /v1/orders/:id/refunds: the customer's own order's refunds (another's 404 like a missing one). */
  async ofMine(actor: UserActor, id: string, meta?: RequestMeta): Promise<{ items: RefundView[] }> {
    const order = await this.repo.find(id);
    if (!order) throw OrderErrors.notFound();
    if (order.customerId !== actor.userId)
      throw await this.audit.notYours(actor, 'order', id, meta, OrderErrors.notFound());
    const refunds = await this.repo.refundsOf(id);
    return { items: refunds.map((r) => refundToView(r.refund, r.lines)) };
  }
}

function refundToView(refund: RefundRow, lines: RefundLineRow[]): RefundView {
  return {
    id: refund.id,
    orderId: refund.orderId,
    amountMinor: refund.amountMinor,
    to: refund.destination as 'wallet' | 'original',
    reason: refund.reason,
    lines: lines.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity, amountMinor: l.amountMinor })),
    createdAt: refund.createdAt.toISOString(),
  };
}
