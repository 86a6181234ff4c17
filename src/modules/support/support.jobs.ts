import { Inject, Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
import { TicketLifecycle } from './support.lifecycle.js';
import { SupportRepository } from './support.repository.js';
import { autoCloseBefore } from './support.rules.js';

declare module '../../kernel/queue/jobs.js' {
  interface JobMap {
    'support.auto-close': Record<string, never>;
  }
}

/**
 * Resolved tickets close 7 days after their resolution (the reopen window's end). Idempotent: each under its
 * lock and only while still resolved and due, so two runners close one once.
 */
@ModuleJobs()
@Injectable()
export class SupportJobs implements JobSource {
  constructor(
    private readonly repo: SupportRepository,
    private readonly lifecycle: TicketLifecycle,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  jobs(): JobDefinition[] {
    return [
      {
        name: 'support.auto-close',
        handler: async () => {
          await this.autoClose();
        },
        every: { ms: 15 * 60_000, payload: {} },
      },
    ];
  }

  /** Answers how many it closed. */
  async autoClose(limit = 200): Promise<number> {
    const before = autoCloseBefore(this.clock.now());
    let closed = 0;
    for (const { id } of await this.repo.resolvedBefore(before, limit)) {
      const done = await this.repo.transaction(async (t) => {
        const row = await this.repo.lock(id, t);
        if (!row || row.status !== 'resolved' || !row.resolvedAt || row.resolvedAt >= before) return false;
        await this.lifecycle.step(SYSTEM_ACTOR, row, 'closed', 'closed 7 days after resolution', t);
        return true;
      });
      if (done) closed++;
    }
    return closed;
  }
}
