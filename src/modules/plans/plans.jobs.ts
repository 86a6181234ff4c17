import { Injectable } from '@nestjs/common';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
import { RenewalsService } from './renewals.service.js';

declare module '../../kernel/queue/jobs.js' {
  interface JobMap {
    'plans.renew': Record<string, never>;
  }
}

/**
 * Idempotent: each subscription is locked while handled and each period's charge has its own ledger key, so
 * two workers, or a retry after a crash, never charge a period twice.
 */
@ModuleJobs()
@Injectable()
export class PlansJobs implements JobSource {
  constructor(private readonly renewals: RenewalsService) {}

  jobs(): JobDefinition[] {
    return [
      {
        name: 'plans.renew',
        handler: async () => {
          await this.renewals.renewDue();
        },
        // Renewals, past_due retries and expiries happen within 15 minutes of their time.
        every: { ms: 900_000, payload: {} },
      },
    ];
  }
}
