import { Inject, Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { canAtBranch, type Actor, type UserActor } from '../../kernel/auth/index.js';
import { OutboxService } from '../../kernel/events/index.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { transition } from '../../kernel/state-machine.js';
import { orderMachine } from './orders.machine.js';
import { AuditService } from '../audit/index.js';
import { InventoryService } from '../inventory/index.js';
import { LoyaltyService } from '../loyalty/index.js';
import { CardPaymentsService, LedgerService } from '../payments/index.js';
import { RxFillService } from '../prescriptions/index.js';
import type { AdminOrdersQuery, OrderView, OrdersQuery } from './orders.dto.js';
import { OrderErrors } from './orders.errors.js';
import { OrderEvents } from './orders.events.js';
import { OrdersRepository, type OrderLineRow, type OrderRow } from './orders.repository.js';
import {
  assertFitsFulfilment,
  captureLines,
  holdCaptureLines,
  holdReleaseLines,
  moneyState,
  orderEntry,
  walletRefundLines,
  type OrderFulfilment,
  type OrderStatus,
  type PaymentMethod,
} from './orders.rules.js';

const idCursor = cursorShape(cursorField.id);

/** Checkout and the customer's and staff's reads of orders (exported from index.ts). */
@Injectable()
export class OrdersService {
  constructor(
    private readonly repo: OrdersRepository,
    private readonly inventory: InventoryService,
    private readonly ledger: LedgerService,
    @Inject(OutboxService) private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly cardPayments: CardPaymentsService,
    private readonly loyalty: LoyaltyService,
    private readonly rx: RxFillService,
  ) {}

  /**
   * POST /v1/orders/:id/cancel: the customer's own order, before the branch starts preparing it (the
   * transitions table). Another customer's order answers 404 like a missing one (audited).
   */
  async cancel(actor: UserActor, id: string, reason: string | undefined, meta?: RequestMeta): Promise<OrderView> {
    return this.step(actor, id, 'cancelled', reason ?? null, async (order) => {
      if (order.customerId !== actor.userId)
        throw await this.audit.notYours(actor, 'order', id, meta, OrderErrors.notFound());
    });
  }

  /** POST /v1/admin/orders/:id/transition: staff of the order's branch (any branch for an admin). */
  async transitionByStaff(
    actor: UserActor,
    id: string,
    to: OrderStatus,
    reason?: string,
    meta?: RequestMeta,
  ): Promise<OrderView> {
    return this.step(actor, id, to, reason ?? null, async (order) => {
      if (!canAtBranch(actor, 'orders:write', order.branchId))
        throw await this.audit.notYours(actor, 'order', id, meta, OrderErrors.notYourBranch());
      // Approving a prescription is a decision per line, with the verifier recorded: POST .../verify.
      if (order.status === 'pending_verification' && to !== 'cancelled') throw OrderErrors.verifyThroughVerification();
      // Refunded is where a refund's money and goods leave an order: POST .../refunds, never a bare step.
      if (to === 'refunded' || to === 'partially_refunded') throw OrderErrors.refundThroughRefunds();
    });
  }

  /**
   * One step of an order's lifecycle, in one transaction with what it sets off: the order row locked, the
   * transitions table and the fulfilment checked, the row moved, the history row and `order.updated`
   * written, and then the stock and money: completing commits the reservation (sold) and, for cash on
   * delivery, posts the cash capture; cancelling or expiring releases it and gives back a wallet payment.
   */
  private async step(
    actor: Actor,
    id: string,
    to: OrderStatus,
    reason: string | null,
    check?: (order: OrderRow) => Promise<void>,
  ): Promise<OrderView> {
    return this.repo.transaction(async (t) => {
      const order = await this.repo.lock(id, t);
      if (!order) throw OrderErrors.notFound();
      await check?.(order);
      return this.withLines(await this.advance(actor, order, to, reason, t), t);
    });
  }

  /**
   * The step itself, for this module's services (verification, expiry, refunds, payments): `order` is the
   * row the caller locked in `t`. Answers the moved row.
   */
  async advance(actor: Actor, order: OrderRow, to: OrderStatus, reason: string | null, t: DbOrTx): Promise<OrderRow> {
    const from = order.status as OrderStatus;
    assertFitsFulfilment(order.fulfilment as OrderFulfilment, from, to);
    return transition(
      orderMachine,
      { from, to, actor, branchId: order.branchId },
      {
        move: (f, next) => this.repo.move(order.id, f, next, t),
        current: async () => (await this.repo.find(order.id, t))?.status as OrderStatus | undefined,
      },
      { after: () => this.stepTaken(actor, order, from, to, reason, t) },
    );
  }

  private async stepTaken(
    actor: Actor,
    order: OrderRow,
    from: OrderStatus,
    to: OrderStatus,
    reason: string | null,
    t: DbOrTx,
  ): Promise<void> {
    const actorId = actor.kind === 'user' ? actor.userId : null;
    await this.repo.appendTransition({ orderId: order.id, fromStatus: from, toStatus: to, actorId, reason }, t);
    const method = order.paymentMethod as PaymentMethod;
    if (moneyState(method, from) === 'held' && moneyState(method, to) === 'captured' && order.totalMinor > 0)
      await this.ledger.post(orderEntry(order.id, 'capture', holdCaptureLines(order.totalMinor), actor), t);
    if (to === 'completed') {
      await this.inventory.commit(order.reservationRef, actor, t);
      // E-prescription lines are dispensed with the goods (409 prescriptions/over-dispensed refuses the step).
      await this.rx.dispenseForOrder(order.id, actor, t);
      const lines = (await this.repo.linesOf([order.id], t)).get(order.id) ?? [];
      await this.loyalty.earnForOrder(
        { orderId: order.id, customerId: order.customerId, lines, spentValueMinor: order.pointsValueMinor },
        actor,
        t,
      );
      if (method === 'cod' && order.totalMinor > 0)
        await this.ledger.post(
          orderEntry(order.id, 'capture', captureLines('cod', order.customerId, order.totalMinor), actor),
          t,
        );
    }
    if (to === 'cancelled' || to === 'expired') {
      await this.inventory.release(order.reservationRef, actor, reason ?? `order ${to}`, t);
      // Before the money: checkout locks a customer's points before their wallet too.
      await this.loyalty.returnForOrder({ orderId: order.id, customerId: order.customerId }, actor, t);
      const money = moneyState(method, from);
      if (money === 'held' && order.totalMinor > 0)
        await this.ledger.post(
          orderEntry(order.id, 'hold_release', holdReleaseLines(order.customerId, order.totalMinor), actor, reason),
          t,
        );
      if (money === 'captured' && order.totalMinor > 0)
        await this.ledger.post(
          orderEntry(order.id, 'refund', walletRefundLines(order.customerId, order.totalMinor), actor, reason),
          t,
        );
    }
    await this.outbox.publish(
      OrderEvents.updated,
      { orderId: order.id, customerId: order.customerId, branchId: order.branchId, from, to },
      t,
    );
  }

  /** The caller's own order; another customer's answers 404 like a missing one. */
  async mine(actor: UserActor, id: string, meta?: RequestMeta): Promise<OrderView> {
    const order = await this.ownRow(actor, id, meta);
    const view = await this.withLines(order);
    // A card order waiting for its payment carries the page to pay on (the same page while it is open).
    const intent = order.status === 'pending_payment' ? await this.cardPayments.openIntentOf(order.id) : undefined;
    return intent ? { ...view, payment: await this.cardPayments.checkoutPage(intent.id, `Order ${order.id}`) } : view;
  }

  /**
   * For support (a ticket linked to an order): that the order is the caller's, without building its view or
   * opening a card payment page. Another customer's answers 404 like a missing one, audited.
   */
  async assertOwn(actor: UserActor, id: string, meta?: RequestMeta): Promise<void> {
    await this.ownRow(actor, id, meta);
  }

  private async ownRow(actor: UserActor, id: string, meta?: RequestMeta): Promise<OrderRow> {
    const order = await this.repo.find(id);
    if (!order) throw OrderErrors.notFound();
    if (order.customerId !== actor.userId)
      throw await this.audit.notYours(actor, 'order', id, meta, OrderErrors.notFound());
    return order;
  }

  async listMine(actor: UserActor, query: OrdersQuery): Promise<Page<OrderView>> {
    const after = decodeCursor(query.cursor, idCursor);
    const rows = await this.repo.list({ customerId: actor.userId }, after?.[0], query.limit + 1);
    return this.page(rows, query.limit);
  }

  /** Staff: the orders of the branches where they hold orders:read (every branch for an admin). */
  async listForStaff(actor: UserActor, query: AdminOrdersQuery): Promise<Page<OrderView>> {
    const scope = actor.branchScopes.get('orders:read');
    if (query.branchId && !canAtBranch(actor, 'orders:read', query.branchId)) throw OrderErrors.notYourBranch();
    const after = decodeCursor(query.cursor, idCursor);
    const rows = await this.repo.list(
      {
        branchId: query.branchId,
        branchIds: scope ? [...scope] : undefined,
        status: query.status,
      },
      after?.[0],
      query.limit + 1,
    );
    return this.page(rows, query.limit);
  }

  private async page(rows: OrderRow[], limit: number): Promise<Page<OrderView>> {
    const page = toPage(rows, limit, (r) => [r.id]);
    const ids = page.items.map((o) => o.id);
    const [lines, rx] = await Promise.all([this.repo.linesOf(ids), this.repo.prescriptionsOf(ids)]);
    return {
      items: page.items.map((o) => toView(o, lines.get(o.id) ?? [], rx.get(o.id) ?? [])),
      nextCursor: page.nextCursor,
    };
  }

  async withLines(order: OrderRow, tx?: DbOrTx): Promise<OrderView> {
    const lines = await this.repo.linesOf([order.id], tx);
    const rx = await this.repo.prescriptionsOf([order.id], tx);
    return toView(order, lines.get(order.id) ?? [], rx.get(order.id) ?? []);
  }
}

export function toView(order: OrderRow, lines: OrderLineRow[], prescriptionIds: readonly string[]): OrderView {
  return {
    id: order.id,
    status: order.status as OrderStatus,
    branchId: order.branchId,
    fulfilment: order.fulfilment as OrderFulfilment,
    paymentMethod: order.paymentMethod as PaymentMethod,
    address: order.address ?? null,
    lines: lines.map((l) => ({
      lineNo: l.lineNo,
      productId: l.productId,
      nameEn: l.nameEn,
      nameAr: l.nameAr,
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
      discountMinor: l.discountMinor,
      rxRequired: l.rxRequired,
      prescriptionId: l.prescriptionId,
      prescriptionLineId: l.rxLineId,
      verification: (l.verification as 'approved' | 'rejected' | null) ?? null,
      verifiedAt: l.verifiedAt?.toISOString() ?? null,
    })),
    prescriptionIds: [...prescriptionIds],
    subtotalMinor: order.subtotalMinor,
    discountMinor: order.discountMinor,
    deliveryFeeMinor: order.deliveryFeeMinor,
    pointsRedeemed: order.pointsRedeemed,
    pointsValueMinor: order.pointsValueMinor,
    totalMinor: order.totalMinor,
    refundedMinor: order.refundedMinor,
    currency: order.currency,
    placedAt: order.placedAt.toISOString(),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
