import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  cancelSubscriptionBody,
  mySubscriptionView,
  subscribeBody,
  subscriptionIdParam,
  subscriptionView,
  type CancelSubscriptionBody,
  type SubscribeBody,
} from './plans.dto.js';
import { SubscriptionsService } from './subscriptions.service.js';

@ApiTags('plans')
@Controller('v1/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Can('subscriptions:use')
  @Post()
  @Idempotent()
  @Route({
    operationId: 'subscribe',
    summary: 'Subscribe to a plan; the first period is charged from the wallet at once',
    description:
      'The plan must be on offer (404 `plans/plan-not-found`, 400 `plans/plan-inactive`). One live (active or past_due) subscription per customer: a second answers 409 `plans/already-subscribed` (the database refuses it under races too). `paymentMethod: wallet` charges the plan’s price in the subscription’s transaction (409 `payments/insufficient-funds` leaves nothing); `card` answers 400 `plans/card-unavailable` for now. The price is kept for renewals, which charge the wallet at each period end. Send an Idempotency-Key: a retry answers the same subscription.',
    auth: { permission: 'subscriptions:use' },
    status: 201,
    response: subscriptionView,
    errors: [404, 409],
  })
  subscribe(@Body({ schema: subscribeBody }) body: SubscribeBody, @CurrentActor() actor: UserActor) {
    return this.subscriptions.subscribe(actor, body);
  }

  @Can('subscriptions:use')
  @Get('me')
  @Route({
    operationId: 'getMySubscription',
    summary: 'The signed-in account’s live subscription (active or past_due), or null',
    auth: { permission: 'subscriptions:use' },
    response: mySubscriptionView,
  })
  mine(@CurrentActor() actor: UserActor) {
    return this.subscriptions.mine(actor);
  }

  @Can('subscriptions:use')
  @Post(':id/cancel')
  @Idempotent()
  @Route({
    operationId: 'cancelSubscription',
    summary: 'Cancel at period end (benefits stay until then; nothing more is charged)',
    description:
      'An active subscription gets `cancelAtPeriodEnd: true` and stays active until `currentPeriodEnd`, when it becomes `cancelled`; a past_due one is cancelled at once. Asking twice answers 409 `plans/already-cancelled`; an ended one 409 `common/illegal-transition`. Another customer’s subscription answers 404 `plans/subscription-not-found` like a missing id.',
    auth: { permission: 'subscriptions:use' },
    response: subscriptionView,
    errors: [404, 409],
  })
  cancel(
    @Param('id', { schema: subscriptionIdParam }) id: string,
    @Body({ schema: cancelSubscriptionBody }) _body: CancelSubscriptionBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.subscriptions.cancel(actor, id, meta);
  }
}
