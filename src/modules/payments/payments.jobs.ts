import { Injectable } from '@nestjs/common';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
import { CardRefundsService } from './card-refunds.service.js';

declare module '../../kernel/queue/jobs.js' {
  interface JobMap {
    'payments.send-card-refunds': Record<string, never>;
  }
}

/** Idempotent: a refund is sent under the gateway key of its own, and settled only while still requested. */
@ModuleJobs()
@Injectable()
export class PaymentsJobs implements JobSource {
  constructor(private readonly cardRefunds: CardRefundsService) {}

  jobs(): JobDefinition[] {
    return [
      {
        name: 'payments.send-card-refunds',
        handler: async () => {
          await this.cardRefunds.sendPendingRefunds();
        },
        every: { ms: 300_000, payload: {} },
      },
    ];
  }
}
