import type { INestApplicationContext } from '@nestjs/common';
import { JobQueue } from './job-queue.js';

/**
 * The repeatable schedules. They run in the worker process, and in the API process when there is no
 * separate worker (embedded mode). Every handler is idempotent, so two runners never do harm.
 */
export function startSchedules(app: INestApplicationContext): void {
  const queue = app.get(JobQueue);
  queue.every('outbox.relay', 1_000, {});
  queue.every('auth.prune-expired', 3_600_000, {});
  // Abandoned checkouts give their units back within half a minute of their reservation's expiry.
  queue.every('inventory.release-expired-reservations', 30_000, {});
  queue.every('inventory.integrity-check', 3_600_000, {});
}
