import { Module } from '@nestjs/common';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';
import { WalletService } from './wallet.service.js';

@Module({
  providers: [LedgerRepository, LedgerService, WalletService],
  exports: [LedgerService, WalletService],
})
export class PaymentsModule {}
