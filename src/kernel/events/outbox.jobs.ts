import { Injectable } from '@nestjs/common';
import { ModuleJobs, type JobDefinition, type JobSource } from '../queue/jobs.js';
import { OutboxService } from './outbox.service.js';

declare module '../queue/jobs.js' {
  interface JobMap {
    'outbox.relay': Record<string, never>;
    /** One committed event to its subscribers (BullMQ; in process the relay delivers inline). */
    'outbox.deliver': { eventId: string };
  }
}

/** The outbox is a kernel part, but declares its jobs like any module does. */
@ModuleJobs()
@Injectable()
export class OutboxJobs implements JobSource {
  constructor(private readonly outbox: OutboxService) {}

  jobs(): JobDefinition[] {
    return [
      // Committed events leave within a second (SKIP LOCKED: a second relay takes other rows, never the same).
      { name: 'outbox.relay', handler: () => this.outbox.relaySafely(), every: { ms: 1_000, payload: {} } },
      { name: 'outbox.deliver', handler: ({ eventId }) => this.outbox.deliverById(eventId) },
    ];
  }
}
