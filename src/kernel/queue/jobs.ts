import { DiscoveryService } from '@nestjs/core';

/**
 * Job name -> payload type. Every producer and consumer is checked against this map. It is empty here on
 * purpose: each module adds its own jobs from its `*.jobs.ts` by declaration merging
 * (`declare module '../../kernel/queue/jobs.js' { interface JobMap { 'x.y': Payload } }`), so adding a
 * module touches no kernel file (rule 13).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' augmentations
export interface JobMap {}
export type JobName = keyof JobMap;
export type JobHandler<N extends JobName> = (payload: JobMap[N]) => Promise<void>;

/** One job a module handles and, when it repeats, how often and with which payload (a repeatable schedule). */
export type JobDefinition = {
  [N in JobName]: { name: N; handler: JobHandler<N>; every?: { ms: number; payload: JobMap[N] } };
}[JobName];

/** What a `@ModuleJobs()` provider implements: the jobs of its module. */
export interface JobSource {
  jobs(): JobDefinition[];
}

/**
 * Marks a provider (the class in a module's `*.jobs.ts`) whose `jobs()` the kernel collects at boot:
 * the handlers are registered on the JobQueue, the schedules started by startSchedules.
 */
export const ModuleJobs = DiscoveryService.createDecorator<void>();
