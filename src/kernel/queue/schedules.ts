import type { INestApplicationContext } from '@nestjs/common';
import { JobRegistry } from './job-registry.js';

/**
 * Starts the repeatable schedules the modules declare (each in its own `*.jobs.ts`). They run in the worker
 * process, and in the API process when there is no separate worker (embedded mode). Every handler is
 * idempotent, so two runners never do harm.
 */
export function startSchedules(app: INestApplicationContext): void {
  app.get(JobRegistry).start();
}
