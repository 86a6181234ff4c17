import { Module } from '@nestjs/common';
import { BranchesModule } from '../branches/index.js';
import { CatalogModule } from '../catalog/index.js';
import { InventoryModule } from '../inventory/index.js';
import { LoyaltyModule } from '../loyalty/index.js';
import { OffersModule } from '../offers/index.js';
import { CartPricingService } from './cart-pricing.service.js';
import { CartController } from './cart.controller.js';
import { CartRepository } from './cart.repository.js';
import { CartService } from './cart.service.js';

@Module({
  imports: [CatalogModule, OffersModule, InventoryModule, BranchesModule, LoyaltyModule],
  controllers: [CartController],
  providers: [CartRepository, CartService, CartPricingService],
  exports: [CartService, CartPricingService],
})
export class CartModule {}
