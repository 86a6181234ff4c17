export { JobQueue, type EnqueueOptions } from './job-queue.js';
export { ModuleJobs, type JobMap, type JobName, type JobHandler, type JobDefinition, type JobSource } from './jobs.js';
export { JobRegistry, type Schedule } from './job-registry.js';
export { startSchedules, startWorker } from './schedules.js';
