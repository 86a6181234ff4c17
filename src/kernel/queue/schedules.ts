import type { INestApplicationContext } from '@nestjs/common';
import { JobRegistry } from './job-registry.js';
import { JobQueue } from './job-queue.js';

/**
 * Starts the repeatable schedules the modules declare (each in its own `*.jobs.ts`). In embedded mode the API
 * process runs them on timers; with BullMQ every worker upserts the same job schedulers (one per job name),
 * so however many workers run, each schedule fires once per period.
 */
export async function startSchedules(app: INestApplicationContext): Promise<void> {
  await app.get(JobRegistry).start();
}

/** The worker's part: consume jobs here, and keep the schedules. */
export async function startWorker(app: INestApplicationContext): Promise<void> {
  await app.get(JobQueue).startConsumers();
  await startSchedules(app);
}
