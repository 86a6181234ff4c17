export { JobQueue, type EnqueueOptions } from './job-queue.js';
export type { JobMap, JobName, JobHandler } from './jobs.js';
export { startSchedules } from './schedules.js';
