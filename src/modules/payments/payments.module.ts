import { Module } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { CardPaymentsController } from './card-payments.controller.js';
import { CardPaymentsRepository } from './card-payments.repository.js';
import { CardPaymentsService } from './card-payments.service.js';
import { CardPaymentSubscribers } from './card-payments.subscribers.js';
import { CardRefundsService } from './card-refunds.service.js';
import { CardWebhooksService } from './card-webhooks.service.js';
import { PAYMENT_GATEWAY, type PaymentGateway } from './gateway.js';
import { LedgerRepository } from './ledger.repository.js';
import { PaymentsJobs } from './payments.jobs.js';
import { LedgerAccounts } from './ledger-accounts.js';
import { LedgerService } from './ledger.service.js';
import { StripeGateway } from './stripe.gateway.js';
import { WalletAdminController } from './wallet.admin.controller.js';
import { WalletController } from './wallet.controller.js';
import { WalletService } from './wallet.service.js';

/** The card gateway CARD_GATEWAY names, or none (card payments then answer 400 payments/card-unavailable). */
const gatewayProvider = {
  provide: PAYMENT_GATEWAY,
  inject: [CONFIG],
  useFactory: (config: Config): PaymentGateway | null =>
    config.payments.card.gateway === 'stripe' ? new StripeGateway(config.payments.card.stripe) : null,
};

@Module({
  controllers: [WalletController, WalletAdminController, CardPaymentsController],
  providers: [
    LedgerRepository,
    LedgerService,
    LedgerAccounts,
    WalletService,
    CardPaymentsRepository,
    CardPaymentsService,
    CardRefundsService,
    CardWebhooksService,
    CardPaymentSubscribers,
    PaymentsJobs,
    gatewayProvider,
  ],
  exports: [LedgerService, WalletService, CardPaymentsService, CardRefundsService],
})
export class PaymentsModule {}
