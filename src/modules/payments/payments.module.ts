import { Module } from '@nestjs/common';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';
import { WalletAdminController } from './wallet.admin.controller.js';
import { WalletController } from './wallet.controller.js';
import { WalletService } from './wallet.service.js';

@Module({
  controllers: [WalletController, WalletAdminController],
  providers: [LedgerRepository, LedgerService, WalletService],
  exports: [LedgerService, WalletService],
})
export class PaymentsModule {}
