import { Injectable } from '@nestjs/common';
import { ModuleJobs, type JobDefinition, type JobSource } from '../queue/jobs.js';
import { OutboxService } from './outbox.service.js';

declare module '../queue/jobs.js' {
  interface JobMap {
    'outbox.relay': Record<string, never>;
  }
}

/** The outbox is a kernel part, but declares its job like any module does. */
@ModuleJobs()
@Injectable()
export class OutboxJobs implements JobSource {
  constructor(private readonly outbox: OutboxService) {}

  jobs(): JobDefinition[] {
    // Committed events leave within a second (the relay is idempotent: a second runner delivers nothing twice).
    return [{ name: 'outbox.relay', handler: () => this.outbox.relaySafely(), every: { ms: 1_000, payload: {} } }];
  }
}
