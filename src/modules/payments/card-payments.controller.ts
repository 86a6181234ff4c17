import { Body, Controller, Get, Headers, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, Public, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { KeepsRawBody, RawBody } from '../../kernel/http/fastify-setup.js';
import { CardPaymentsService } from './card-payments.service.js';
import { CardWebhooksService } from './card-webhooks.service.js';
import {
  checkoutPaymentView,
  intentIdParam,
  intentView,
  topUpBody,
  webhookAnswer,
  type TopUpBody,
} from './payments.dto.js';

@ApiTags('payments')
@Controller('v1')
export class CardPaymentsController {
  constructor(
    private readonly payments: CardPaymentsService,
    private readonly webhooks: CardWebhooksService,
  ) {}

  // The buyer's permission (as checkout): every account may pay for itself; the wallet is always the caller's.
  @Can('cart:write')
  @Post('wallet/top-up')
  @Idempotent()
  @Route({
    operationId: 'topUpWallet',
    summary: 'Top up the signed-in account’s wallet by card (hosted checkout)',
    description:
      'Answers the gateway’s checkout page (`redirectUrl`); the wallet is credited when the gateway’s webhook says the payment succeeded, once however often it is delivered. The amount lies within TOP_UP_MIN_MINOR..TOP_UP_MAX_MINOR (400 `payments/amount-out-of-range`). Without a card gateway configured 400 `payments/card-unavailable`; a gateway that does not answer 503 `payments/gateway-unavailable` (nothing charged). Send an Idempotency-Key: a retry answers the same page.',
    auth: { permission: 'cart:write' },
    status: 201,
    response: checkoutPaymentView,
    errors: [503],
  })
  topUp(@Body({ schema: topUpBody }) body: TopUpBody, @CurrentActor() actor: UserActor) {
    return this.payments.topUp(actor, body);
  }

  @Can('wallet:read')
  @Get('payments/intents/:id')
  @Route({
    operationId: 'getMyPayment',
    summary: 'One of the signed-in account’s card payments (an order’s or a top-up’s)',
    description:
      'Status `created` (no checkout page yet), `pending` (waiting on the page at `redirectUrl`), `paid`, `failed` or `expired`. Another customer’s payment answers 404 `payments/intent-not-found`, as a missing one does.',
    auth: { permission: 'wallet:read' },
    response: intentView,
    errors: [404],
  })
  get(
    @Param('id', { schema: intentIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.payments.mine(actor, id, meta);
  }

  @Can('cart:write')
  @Post('payments/intents/:id/checkout')
  @Idempotent()
  @Route({
    operationId: 'resumeMyPayment',
    summary: 'The checkout page of one of the signed-in account’s card payments, made again if need be',
    description:
      'For a payment whose page the gateway did not make in time (status `created`, e.g. a card checkout answered without `redirectUrl`), or to find the page again (`pending`). A paid, failed or expired payment 409 `payments/intent-closed`; a gateway that does not answer 503 `payments/gateway-unavailable`. Another customer’s payment answers 404 `payments/intent-not-found`, as a missing one does.',
    auth: { permission: 'cart:write' },
    response: checkoutPaymentView,
    errors: [404, 409, 503],
  })
  resume(
    @Param('id', { schema: intentIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.payments.retryCheckout(actor, id, meta);
  }

  @Public()
  @Post('payments/webhooks/stripe')
  @KeepsRawBody()
  @Route({
    operationId: 'receiveStripeWebhook',
    summary: 'Stripe’s webhook (called by Stripe, not by clients)',
    description:
      'Verified by its `Stripe-Signature` header over the raw body; a missing, forged or stale signature answers 400 `payments/bad-signature` (audited) and changes nothing. Each event is acted on once: a repeated, late or out-of-order delivery answers 200 and changes nothing.',
    auth: 'public',
    response: webhookAnswer,
    errors: [400],
  })
  stripeWebhook(
    @RawBody() rawBody: string,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.webhooks.receiveWebhook(rawBody, headers, meta);
  }
}
