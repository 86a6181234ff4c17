import { Injectable } from '@nestjs/common';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
import { OrderVerificationService } from './order-verification.service.js';

declare module '../../kernel/queue/jobs.js' {
  interface JobMap {
    'orders.expire-overdue': Record<string, never>;
  }
}

/** Idempotent: an order is expired under its lock only if it is still waiting, so two runners expire it once. */
@ModuleJobs()
@Injectable()
export class OrdersJobs implements JobSource {
  constructor(private readonly verification: OrderVerificationService) {}

  jobs(): JobDefinition[] {
    return [
      {
        name: 'orders.expire-overdue',
        handler: async () => {
          await this.verification.expireOverdue();
        },
        every: { ms: 60_000, payload: {} },
      },
    ];
  }
}
