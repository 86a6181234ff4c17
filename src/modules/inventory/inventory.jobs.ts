import { Injectable } from '@nestjs/common';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
import { InventoryService } from './inventory.service.js';

declare module '../../kernel/queue/jobs.js' {
  interface JobMap {
    'inventory.release-expired-reservations': Record<string, never>;
    'inventory.integrity-check': Record<string, never>;
  }
}

/** Both are idempotent: a second runner (another worker) releases nothing twice and reports the same. */
@ModuleJobs()
@Injectable()
export class InventoryJobs implements JobSource {
  constructor(private readonly inventory: InventoryService) {}

  jobs(): JobDefinition[] {
    return [
      // Abandoned checkouts give their units back within half a minute of their reservation's expiry.
      {
        name: 'inventory.release-expired-reservations',
        handler: async () => {
          await this.inventory.releaseExpired();
        },
        every: { ms: 30_000, payload: {} },
      },
      {
        name: 'inventory.integrity-check',
        handler: async () => {
          await this.inventory.integrityCheck();
        },
        every: { ms: 3_600_000, payload: {} },
      },
    ];
  }
}
