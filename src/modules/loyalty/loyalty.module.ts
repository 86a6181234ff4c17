import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/index.js';
import { LoyaltyAccountService } from './loyalty-account.service.js';
import { LoyaltyController } from './loyalty.controller.js';
import { LoyaltyJobs } from './loyalty.jobs.js';
import { LoyaltyRepository } from './loyalty.repository.js';
import { LoyaltyService } from './loyalty.service.js';

@Module({
  imports: [PaymentsModule],
  controllers: [LoyaltyController],
  providers: [LoyaltyRepository, LoyaltyService, LoyaltyAccountService, LoyaltyJobs],
  exports: [LoyaltyService],
})
export class LoyaltyModule {}
