import { Module } from '@nestjs/common';
import { DoctorAvailabilityController, DoctorSlotsController } from './availability.controller.js';
import { AvailabilityRepository } from './availability.repository.js';
import { AvailabilitySeams } from './availability.seams.js';
import { AvailabilityService } from './availability.service.js';
import { DoctorSchedules } from './doctor-schedules.js';

@Module({
  controllers: [DoctorAvailabilityController, DoctorSlotsController],
  providers: [AvailabilityRepository, AvailabilitySeams, AvailabilityService, DoctorSchedules],
  exports: [AvailabilityService, AvailabilitySeams],
})
export class AvailabilityModule {}
