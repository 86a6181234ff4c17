import { Module } from '@nestjs/common';
import { AvailabilityModule } from '../availability/index.js';
import { PaymentsModule } from '../payments/index.js';
import { PlansModule } from '../plans/index.js';
import { ProvidersModule } from '../providers/index.js';
import { AppointmentCancellationsService } from './appointment-cancellations.service.js';
import { AppointmentCardPayments } from './appointments.card.js';
import { AppointmentsController, DoctorAppointmentsController } from './appointments.controller.js';
import { AppointmentsJobs } from './appointments.jobs.js';
import { AppointmentsRepository } from './appointments.repository.js';
import { AppointmentsService } from './appointments.service.js';

@Module({
  imports: [AvailabilityModule, ProvidersModule, PaymentsModule, PlansModule],
  controllers: [AppointmentsController, DoctorAppointmentsController],
  providers: [
    AppointmentsRepository,
    AppointmentsService,
    AppointmentCancellationsService,
    AppointmentCardPayments,
    AppointmentsJobs,
  ],
  exports: [AppointmentsService],
})
export class AppointmentsModule {}
