import { Module } from '@nestjs/common';
import { OffersAdminController } from './offers.admin.controller.js';
import { OffersController } from './offers.controller.js';
import { OffersRepository } from './offers.repository.js';
import { OffersService } from './offers.service.js';
import { OfferRedemptionsService } from './redemptions.service.js';

@Module({
  controllers: [OffersController, OffersAdminController],
  providers: [OffersRepository, OffersService, OfferRedemptionsService],
  exports: [OffersService, OfferRedemptionsService],
})
export class OffersModule {}
