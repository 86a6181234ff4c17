import { Module } from '@nestjs/common';
import { AvailabilityModule } from '../availability/index.js';
import { IdentityModule } from '../identity/index.js';
import { ProvidersAdminController } from './providers.admin.controller.js';
import { DoctorApprovalReview } from './providers.approval.js';
import { ProvidersController } from './providers.controller.js';
import { ProvidersDoctorGate } from './providers.gate.js';
import { ProvidersRepository } from './providers.repository.js';
import { ProvidersService } from './providers.service.js';

@Module({
  imports: [IdentityModule, AvailabilityModule],
  controllers: [ProvidersController, ProvidersAdminController],
  providers: [ProvidersRepository, ProvidersService, DoctorApprovalReview, ProvidersDoctorGate],
  exports: [ProvidersService],
})
export class ProvidersModule {}
