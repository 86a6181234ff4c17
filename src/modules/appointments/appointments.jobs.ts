import { Injectable } from '@nestjs/common';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
import { AppointmentsService } from './appointments.service.js';

declare module '../../kernel/queue/jobs.js' {
  interface JobMap {
    'appointments.mark-no-shows': Record<string, never>;
  }
}

/** Idempotent: a booking is marked under its lock only while still booked, so two runners mark it once. */
@ModuleJobs()
@Injectable()
export class AppointmentsJobs implements JobSource {
  constructor(private readonly appointments: AppointmentsService) {}

  jobs(): JobDefinition[] {
    return [
      {
        name: 'appointments.mark-no-shows',
        handler: async () => {
          await this.appointments.markNoShows();
        },
        every: { ms: 60_000, payload: {} },
      },
    ];
  }
}
