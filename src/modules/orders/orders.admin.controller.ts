import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  adminOrdersQuery,
  orderIdParam,
  orderView,
  ordersPage,
  refundBody,
  refundResult,
  staffOrderView,
  transitionBody,
  verifyBody,
  type AdminOrdersQuery,
  type RefundBody,
  type TransitionBody,
  type VerifyBody,
} from './orders.dto.js';
import { OrdersService } from './orders.service.js';
import { OrderVerificationService } from './order-verification.service.js';
import { OrderRefundsService } from './order-refunds.service.js';

@ApiTags('admin: orders')
@Controller('v1/admin/orders')
export class OrdersAdminController {
  constructor(
    private readonly orders: OrdersService,
    private readonly verification: OrderVerificationService,
    private readonly refunds: OrderRefundsService,
  ) {}

  @Can('orders:read')
  @Get()
  @Route({
    operationId: 'listOrdersForStaff',
    summary: 'Orders of the branches the caller works at, newest first',
    description:
      'Branch-scoped staff see only their branches’ orders (another branch’s `branchId` answers 403 `orders/not-your-branch`); an admin sees every branch. Filter by `branchId` and `status`.',
    auth: { permission: 'orders:read' },
    response: ordersPage,
    errors: [403],
  })
  list(@Query({ schema: adminOrdersQuery }) query: AdminOrdersQuery, @CurrentActor() actor: UserActor) {
    return this.orders.listForStaff(actor, query);
  }

  @Can('orders:write')
  @Post(':id/transition')
  @Idempotent()
  @Route({
    operationId: 'transitionOrder',
    summary: 'Move an order along its lifecycle',
    description:
      'Staff of the order’s branch (any branch for an admin; another branch 403 `orders/not-your-branch`, audited): confirmed → preparing → ready → out_for_delivery (deliveries) → completed, or ready → completed (pickups); cancelled from any open state. A step the table does not have 409 `common/illegal-transition`; a concurrent step won 409 `common/transition-conflict`. Completing commits the reserved stock (sold) and, for cash on delivery, records the cash taken; cancelling releases the stock and gives a wallet payment back.',
    auth: { permission: 'orders:write' },
    response: orderView,
    errors: [404, 409],
  })
  transition(
    @Param('id', { schema: orderIdParam }) id: string,
    @Body({ schema: transitionBody }) body: TransitionBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.orders.transitionByStaff(actor, id, body.to, body.reason, meta);
  }

  @Can('orders:read')
  @Get(':id')
  @Route({
    operationId: 'getOrderForStaff',
    summary: 'One order, as the branch works it',
    description:
      'Staff of the order’s branch (any branch for an admin; another branch 403 `orders/not-your-branch`, audited). Who decided each Rx line and why; the prescription photos, with short-lived links, only for staff who verify prescriptions at that branch (every such read is audited).',
    auth: { permission: 'orders:read' },
    response: staffOrderView,
    errors: [403, 404],
  })
  get(
    @Param('id', { schema: orderIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.verification.forStaff(actor, id, meta);
  }

  @Can('prescriptions:verify')
  @Post(':id/verify')
  @Idempotent()
  @Route({
    operationId: 'verifyOrderPrescriptions',
    summary: 'Approve or reject each prescription line of an order',
    description:
      'A pharmacist of the order’s branch (an admin anywhere; another branch 403 `orders/not-your-branch`, audited; never on their own order, 403 `orders/self-verification`) decides every Rx-only line once (a missing, repeated or non-Rx line 400), naming the prescription it is filled against when the order has several. All approved: the order goes on (`confirmed`, a held wallet payment captured; a card order to `pending_payment`). Any rejected: the order is cancelled, the stock released and a held payment given back. An order not waiting for verification 409 `orders/not-awaiting-verification`. The verifier and the time are recorded on each line.',
    auth: { permission: 'prescriptions:verify' },
    response: orderView,
    errors: [403, 404, 409],
  })
  verify(
    @Param('id', { schema: orderIdParam }) id: string,
    @Body({ schema: verifyBody }) body: VerifyBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.verification.verify(actor, id, body, meta);
  }

  @Can('orders:refund')
  @Post(':id/refunds')
  @Idempotent()
  @Route({
    operationId: 'refundOrder',
    summary: 'Give money back on a completed order, in part or in full',
    description:
      'Staff who refund at the order’s branch (admins, branch managers; another branch 403 `orders/not-your-branch`, audited; never their own order, 403 `orders/self-refund`). `lines` hand goods back: they go to quarantine (never back on sale) and their paid value is the default amount; `amountMinor` sets the money (a goodwill refund needs no lines). Never more than was paid minus earlier refunds (409 `orders/refund-exceeds-captured`; the order’s `totalMinor − refundedMinor` is what is left), nor more units than are left on a line (409 `orders/refund-exceeds-quantity`). `to`: `wallet`, or `original` (a wallet order to the wallet, cash back at the counter for cash on delivery, the card through the gateway). The order becomes `partially_refunded`, then `refunded` once everything paid is back; an open order 409 `orders/not-refundable` (cancel it). Points earned on what comes back are taken back. Audited. Send an Idempotency-Key: a retry answers the same refund.',
    auth: { permission: 'orders:refund' },
    status: 201,
    response: refundResult,
    errors: [403, 404, 409],
  })
  refund(
    @Param('id', { schema: orderIdParam }) id: string,
    @Body({ schema: refundBody }) body: RefundBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.refunds.refund(actor, id, body, meta);
  }
}
