import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { walletQuery, walletView, type WalletQuery } from './payments.dto.js';
import { WalletService } from './wallet.service.js';

@ApiTags('wallet')
@Controller('v1/wallet')
export class WalletController {
  constructor(private readonly wallets: WalletService) {}

  @Can('wallet:read')
  @Get()
  @Route({
    operationId: 'getWallet',
    summary: 'The signed-in account’s wallet: balance and history, newest first',
    description:
      'Always the caller’s own wallet (no id to name another). An account that never held money has a balance of 0 and no entries. Amounts are minor units, money in positive and money out negative.',
    auth: { permission: 'wallet:read' },
    response: walletView,
  })
  mine(@Query({ schema: walletQuery }) query: WalletQuery, @CurrentActor() actor: UserActor) {
    return this.wallets.mine(actor, query);
  }
}
