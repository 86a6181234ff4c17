import { Injectable } from '@nestjs/common';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
import { AppointmentCardPayments } from './appointments.card.js';
import { AppointmentsService } from './appointments.service.js';

declare module '../../kernel/queue/jobs.js' {
  interface JobMap {
    'appointments.mark-no-shows': Record<string, never>;
    'appointments.expire-unpaid': Record<string, never>;
  }
}

/**
 * Idempotent: a booking is marked under its lock only while still booked, and a card hold expired only while
 * still held and due, so two runners act on one once.
 */
@ModuleJobs()
@Injectable()
export class AppointmentsJobs implements JobSource {
  constructor(
    private readonly appointments: AppointmentsService,
    private readonly card: AppointmentCardPayments,
  ) {}

  jobs(): JobDefinition[] {
    return [
      {
        name: 'appointments.mark-no-shows',
        handler: async () => {
          await this.appointments.markNoShows();
        },
        every: { ms: 60_000, payload: {} },
      },
      {
        name: 'appointments.expire-unpaid',
        handler: async () => {
          await this.card.expireUnpaid();
        },
        every: { ms: 60_000, payload: {} },
      },
    ];
  }
}
