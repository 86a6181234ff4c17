import { Injectable } from '@nestjs/common';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
import { LoyaltyService } from './loyalty.service.js';

declare module '../../kernel/queue/jobs.js' {
  interface JobMap {
    'loyalty.expire': Record<string, never>;
  }
}

/** Idempotent: each lot expires once (its ledger key), so two workers running it take nothing twice. */
@ModuleJobs()
@Injectable()
export class LoyaltyJobs implements JobSource {
  constructor(private readonly loyalty: LoyaltyService) {}

  jobs(): JobDefinition[] {
    return [
      {
        name: 'loyalty.expire',
        handler: async () => {
          await this.loyalty.expireDue();
        },
        // Spending already ignores lots past their expiry; the job moves them out of the balance within 15 min.
        every: { ms: 900_000, payload: {} },
      },
    ];
  }
}
