import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { JobQueue } from './job-queue.js';
import { ModuleJobs, type JobDefinition, type JobName, type JobSource } from './jobs.js';

export interface Schedule {
  name: JobName;
  everyMs: number;
}

/**
 * Collects the jobs every module declares (its `@ModuleJobs()` provider) and registers their handlers on
 * the queue. The kernel knows no job by name: the modules own them (rule 13).
 */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private definitions: JobDefinition[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    const sources = new Set<JobSource>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: ModuleJobs.KEY })) {
      if (wrapper.instance) sources.add(wrapper.instance as JobSource);
    }
    const byName = new Map<JobName, JobDefinition>();
    for (const source of sources) {
      for (const def of source.jobs()) {
        // Two handlers for one name would silently replace each other: a boot error instead.
        if (byName.has(def.name)) throw new Error(`Job ${def.name} is declared twice`);
        byName.set(def.name, def);
        this.queue.register(def.name, def.handler as never);
      }
    }
    this.definitions = [...byName.values()];
  }

  /** The repeatable schedules, in declaration order. */
  schedules(): Schedule[] {
    return this.definitions.flatMap((d) => (d.every ? [{ name: d.name, everyMs: d.every.ms }] : []));
  }

  /** Starts every schedule on the queue (until shutdown); with BullMQ, drops schedules no module declares now. */
  async start(): Promise<void> {
    for (const d of this.definitions) if (d.every) await this.queue.every(d.name, d.every.ms, d.every.payload as never);
    await this.queue.pruneSchedules();
  }
}
