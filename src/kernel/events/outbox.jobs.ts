import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock.js';
import { JobFailuresRepository } from '../queue/job-failures.repository.js';
import { ModuleJobs, type JobDefinition, type JobSource } from '../queue/jobs.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxService } from './outbox.service.js';

/** Handled-event keys and retried dead letters are kept this long (a month of support questions). */
const KEEP_MS = 30 * 24 * 3_600_000;

declare module '../queue/jobs.js' {
  interface JobMap {
    'outbox.relay': Record<string, never>;
    /** One committed event to its subscribers (BullMQ; in process the relay delivers inline). */
    'outbox.deliver': { eventId: string };
    'jobs.prune': Record<string, never>;
  }
}

/** The outbox is a kernel part, but declares its jobs like any module does. */
@ModuleJobs()
@Injectable()
export class OutboxJobs implements JobSource {
  constructor(
    private readonly outbox: OutboxService,
    private readonly repo: OutboxRepository,
    private readonly failures: JobFailuresRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  jobs(): JobDefinition[] {
    return [
      // Committed events leave within a second (SKIP LOCKED: a second relay takes other rows, never the same).
      { name: 'outbox.relay', handler: () => this.outbox.relaySafely(), every: { ms: 1_000, payload: {} } },
      { name: 'outbox.deliver', handler: ({ eventId }) => this.outbox.deliverById(eventId) },
      {
        name: 'jobs.prune',
        handler: async () => {
          const before = new Date(this.clock.now().getTime() - KEEP_MS);
          await this.repo.pruneProcessed(before);
          await this.failures.pruneRetried(before);
        },
        every: { ms: 3_600_000, payload: {} },
      },
    ];
  }
}
