import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { LoyaltyAccountService } from './loyalty-account.service.js';
import { loyaltyQuery, loyaltyView, type LoyaltyQuery } from './loyalty.dto.js';

@ApiTags('loyalty')
@Controller('v1/loyalty')
export class LoyaltyController {
  constructor(private readonly accounts: LoyaltyAccountService) {}

  // The points wallet is a wallet (ledger account points_wallet): the same self-service permission reads it.
  @Can('wallet:read')
  @Get()
  @Route({
    operationId: 'getLoyalty',
    summary: 'The signed-in account’s loyalty points: balance, next expiry and history, newest first',
    description:
      'Always the caller’s own points (no id to name another). Points are earned when an order completes (none on Rx-only or controlled lines by default), spent at checkout (`pointsToRedeem`, each worth `pointValueMinor` minor units of `currency`, capped per order), given back when an order that spent them is cancelled, taken back in proportion on a refund, and expire a configured number of days after they were earned (oldest spent first). `balance` counts the points that can be spent now; history amounts are points, in positive and out negative.',
    auth: { permission: 'wallet:read' },
    response: loyaltyView,
  })
  mine(@Query({ schema: loyaltyQuery }) query: LoyaltyQuery, @CurrentActor() actor: UserActor) {
    return this.accounts.mine(actor, query);
  }
}
