import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  cancelBody,
  checkoutBody,
  orderIdParam,
  orderView,
  ordersPage,
  ordersQuery,
  refundsList,
  type CancelBody,
  type CheckoutBody,
  type OrdersQuery,
} from './orders.dto.js';
import { OrdersService } from './orders.service.js';
import { OrderCardPayments } from './orders.card.js';
import { checkoutPaymentView } from '../payments/index.js';
import { OrderRefundsService } from './order-refunds.service.js';
import { OrderCheckoutService } from './order-checkout.service.js';

@ApiTags('orders')
@Controller('v1/orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly cardOrders: OrderCardPayments,
    private readonly refundsService: OrderRefundsService,
    private readonly checkouts: OrderCheckoutService,
  ) {}

  @Can('cart:write')
  @Post()
  @Idempotent()
  @Route({
    operationId: 'placeOrder',
    summary: 'Check out: turn the cart into an order',
    description:
      'Prices the caller’s cart again on the server (a price a client sends is never used) at `branchId`, or at the nearest active branch whose stock covers every line (within its delivery radius for a delivery), reserves the stock first expiry first, counts the offer’s use, captures a wallet payment, records the order with price snapshots and empties the cart, all in one transaction: a refusal leaves nothing behind. Not enough stock 409 `inventory/insufficient-stock`; a wallet short of the total 409 `payments/insufficient-funds`; an empty cart 409 `orders/empty-cart`; discontinued lines 409 `orders/item-unavailable`; Rx-only lines without `prescriptionIds` 409 `orders/prescription-required` (an upload that is not the caller’s 404 `prescriptions/upload-not-found`): such an order starts `pending_verification`, a wallet payment held until a pharmacist of the branch approves it; an address outside the delivery radius 409 `orders/outside-delivery-radius`; no branch able to fill it 409 `orders/no-branch-can-fill`; `card` needs a card gateway (else 400 `payments/card-unavailable`; a total below CARD_MIN_MINOR 400 `payments/amount-out-of-range`): the order starts `pending_payment` with its stock reserved and the answer carries `payment: { intentId, status, redirectUrl }`; send the customer to `redirectUrl`, and the gateway’s webhook confirms the order. A gateway that does not answer leaves `redirectUrl` null and the order pending: `POST /v1/payments/intents/{intentId}/checkout` asks again. Cash on delivery and wallet orders start `confirmed`. Send an Idempotency-Key: a retry answers the same order.',
    auth: { permission: 'cart:write' },
    status: 201,
    response: orderView,
    errors: [404, 409],
  })
  place(
    @Body({ schema: checkoutBody }) body: CheckoutBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.checkouts.checkout(actor, body, meta);
  }

  @Can('cart:read')
  @Get()
  @Route({
    operationId: 'listMyOrders',
    summary: 'The signed-in account’s orders, newest first',
    description: 'Always the caller’s own orders (no id names another).',
    auth: { permission: 'cart:read' },
    response: ordersPage,
  })
  list(@Query({ schema: ordersQuery }) query: OrdersQuery, @CurrentActor() actor: UserActor) {
    return this.orders.listMine(actor, query);
  }

  @Can('cart:write')
  @Post(':id/cancel')
  @Idempotent()
  @Route({
    operationId: 'cancelMyOrder',
    summary: 'Cancel one of the signed-in account’s orders',
    description:
      'Until the branch starts preparing it (later 403 `auth/forbidden`; a finished order 409 `common/illegal-transition`). Releases the reserved stock and gives a wallet payment back to the wallet, in one transaction. Another customer’s order answers 404 `orders/not-found`, as a missing one does.',
    auth: { permission: 'cart:write' },
    response: orderView,
    errors: [404, 409],
  })
  cancel(
    @Param('id', { schema: orderIdParam }) id: string,
    @Body({ schema: cancelBody }) body: CancelBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.orders.cancel(actor, id, body.reason, meta);
  }

  @Can('cart:write')
  @Post(':id/payment')
  @Idempotent()
  @Route({
    operationId: 'payMyOrder',
    summary: 'The card checkout page of one of the signed-in account’s orders that waits for its payment',
    description:
      'For a card order in `pending_payment`: the page of its open payment, or of a new one when there is none (the first page expired, or a pharmacist’s approval moved an Rx order on to its payment). Send the customer to `redirectUrl`; the gateway’s webhook confirms the order. Another state or method 409 `orders/not-awaiting-payment`; a gateway that does not answer 503 `payments/gateway-unavailable` (nothing charged; ask again). Another customer’s order answers 404 `orders/not-found`, as a missing one does.',
    auth: { permission: 'cart:write' },
    response: checkoutPaymentView,
    errors: [404, 409, 503],
  })
  pay(
    @Param('id', { schema: orderIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.cardOrders.pay(actor, id, meta);
  }

  @Can('cart:read')
  @Get(':id')
  @Route({
    operationId: 'getMyOrder',
    summary: 'One of the signed-in account’s orders',
    description:
      'Another customer’s order answers 404 `orders/not-found`, as a missing one does (audited). A card order waiting for its payment (`pending_payment`: at checkout, or once its prescriptions are approved) carries `payment` with the gateway page to pay on.',
    auth: { permission: 'cart:read' },
    response: orderView,
    errors: [404],
  })
  get(
    @Param('id', { schema: orderIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.orders.mine(actor, id, meta);
  }

  @Can('cart:read')
  @Get(':id/refunds')
  @Route({
    operationId: 'listMyOrderRefunds',
    summary: 'The refunds of one of the signed-in account’s orders, oldest first',
    description: 'Another customer’s order answers 404 `orders/not-found`, as a missing one does (audited).',
    auth: { permission: 'cart:read' },
    response: refundsList,
    errors: [404],
  })
  refunds(
    @Param('id', { schema: orderIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.refundsService.ofMine(actor, id, meta);
  }
}
