import { Module } from '@nestjs/common';
import { BranchesModule } from '../branches/index.js';
import { CartModule } from '../cart/index.js';
import { InventoryModule } from '../inventory/index.js';
import { OffersModule } from '../offers/index.js';
import { LoyaltyModule } from '../loyalty/index.js';
import { PaymentsModule } from '../payments/index.js';
import { OrdersAdminController } from './orders.admin.controller.js';
import { OrdersController } from './orders.controller.js';
import { OrdersRepository } from './orders.repository.js';
import { OrdersService } from './orders.service.js';
import { OrderCheckoutService } from './order-checkout.service.js';
import { OrderCardPayments } from './orders.card.js';
import { OrderVerificationService } from './order-verification.service.js';
import { OrdersJobs } from './orders.jobs.js';
import { OrderRefundsService } from './order-refunds.service.js';
import { PrescriptionsModule } from '../prescriptions/index.js';

@Module({
  imports: [
    CartModule,
    InventoryModule,
    OffersModule,
    PaymentsModule,
    LoyaltyModule,
    BranchesModule,
    PrescriptionsModule,
  ],
  controllers: [OrdersController, OrdersAdminController],
  providers: [
    OrderCardPayments,
    OrdersRepository,
    OrdersService,
    OrderCheckoutService,
    OrderVerificationService,
    OrderRefundsService,
    OrdersJobs,
  ],
  exports: [OrdersService, OrderCheckoutService],
})
export class OrdersModule {}
