import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/index.js';
import { PlansCatalogService } from './plans-catalog.service.js';
import { PlansAdminController } from './plans.admin.controller.js';
import { PlansController } from './plans.controller.js';
import { PlansJobs } from './plans.jobs.js';
import { PlansRepository } from './plans.repository.js';
import { PlansService } from './plans.service.js';
import { RenewalsService } from './renewals.service.js';
import { SubscriptionsController } from './subscriptions.controller.js';
import { SubscriptionsService } from './subscriptions.service.js';

@Module({
  imports: [PaymentsModule],
  controllers: [PlansController, PlansAdminController, SubscriptionsController],
  providers: [PlansRepository, PlansService, PlansCatalogService, SubscriptionsService, RenewalsService, PlansJobs],
  exports: [PlansService],
})
export class PlansModule {}
