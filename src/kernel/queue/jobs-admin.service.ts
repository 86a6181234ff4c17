import { Inject, Injectable } from '@nestjs/common';
import type { UserActor } from '../auth/index.js';
import { CLOCK, type Clock } from '../clock.js';
import { decodeCursor, toPage, type Page } from '../http/index.js';
import { JobFailuresRepository, type JobFailureRow } from './job-failures.repository.js';
import { JobQueue } from './job-queue.js';
import { failedJobsCursor, type FailedJobView, type FailedJobsQuery } from './jobs.dto.js';
import { JobErrors } from './jobs.errors.js';
import type { JobName } from './jobs.js';

const view = (r: JobFailureRow): FailedJobView => ({
  id: r.id,
  name: r.name,
  payload: JSON.stringify(r.payload),
  attempts: r.attempts,
  lastError: r.lastError,
  failedAt: r.failedAt.toISOString(),
});

/** Staff over the dead letters: the same rows and the same retry whichever driver runs the jobs. */
@Injectable()
export class JobsAdminService {
  constructor(
    private readonly failures: JobFailuresRepository,
    private readonly queue: JobQueue,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async listFailed(query: FailedJobsQuery): Promise<Page<FailedJobView>> {
    const after = decodeCursor(query.cursor, failedJobsCursor);
    const rows = await this.failures.listPending(query.limit, after);
    return toPage(rows, query.limit, (r) => [r.failedAt.toISOString(), r.id], view);
  }

  /**
   * Runs the job again with a fresh set of retries. Marked retried and enqueued in one transaction: a queue
   * that refuses (Redis away) leaves it failed, and two clicks enqueue it once (409 for the second).
   */
  async retry(actor: UserActor, id: string): Promise<{ id: string; name: string; retriedAt: string }> {
    return this.failures.transaction(async (tx) => {
      const row = await this.failures.markRetried(id, actor.userId, this.clock.now(), tx);
      if (!row) throw (await this.failures.find(id)) ? JobErrors.alreadyRetried() : JobErrors.failureNotFound();
      const name = row.name as JobName;
      if (!this.queue.has(name)) throw JobErrors.noHandler();
      await this.queue.enqueue(name, row.payload as never);
      return { id: row.id, name: row.name, retriedAt: row.retriedAt!.toISOString() };
    });
  }
}
