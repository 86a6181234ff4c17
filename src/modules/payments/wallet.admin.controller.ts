import { Body, Controller, Headers, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { adjustmentBody, adjustmentView, walletIdParam, type AdjustmentBody } from './payments.dto.js';
import { WalletService } from './wallet.service.js';

@ApiTags('admin: wallets')
@Controller('v1/admin/wallets')
export class WalletAdminController {
  constructor(private readonly wallets: WalletService) {}

  @Can('wallet:adjust')
  @Post(':id/adjustments')
  @Idempotent()
  @Route({
    operationId: 'adjustWallet',
    summary: 'Correct a customer’s wallet (support): credit it, or take money back (audited)',
    description:
      'The path names the account holder (user id). The `Idempotency-Key` header is required here (400 `payments/idempotency-key-required` without it): a retry with the same key moves the money once. A negative amount never takes the wallet below zero (409 `payments/insufficient-funds`). The reason is shown to the customer in their history.',
    auth: { permission: 'wallet:adjust' },
    status: 201,
    response: adjustmentView,
    errors: [404, 409],
  })
  adjust(
    @Param('id', { schema: walletIdParam }) userId: string,
    @Body({ schema: adjustmentBody }) body: AdjustmentBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.wallets.adjust(actor, userId, body, idempotencyKey, meta);
  }
}
