import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OutboxService } from '../../src/kernel/events/index.js';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../src/kernel/queue/index.js';

declare module '../../src/kernel/queue/jobs.js' {
  interface JobMap {
    'probe.tick': Record<string, never>;
    'probe.work': { n: number; failTimes: number };
  }
}

export const PROBE_TOPIC = 'probe.event';
export const PROBE_TICK_MS = 400;

/** What the probes saw, across every app and worker context of this test process. */
export const probeLog = {
  ticks: [] as Array<{ at: number; by: string }>,
  runs: [] as Array<{ n: number; by: string; ok: boolean }>,
  events: [] as Array<{ eventId: string; by: string }>,
  reset() {
    this.ticks.length = 0;
    this.runs.length = 0;
    this.events.length = 0;
  },
};

/** A job source and an event subscriber of no module: each context that imports it gets its own instance. */
@ModuleJobs()
@Injectable()
export class ProbeJobs implements JobSource, OnModuleInit {
  readonly id = randomUUID().slice(0, 8);
  constructor(private readonly outbox: OutboxService) {}

  onModuleInit(): void {
    this.outbox.subscribe(
      PROBE_TOPIC,
      async (_payload, event) => {
        probeLog.events.push({ eventId: event.id, by: this.id });
      },
      'probe.subscriber',
    );
  }

  jobs(): JobDefinition[] {
    return [
      {
        name: 'probe.tick',
        handler: async () => {
          probeLog.ticks.push({ at: Date.now(), by: this.id });
        },
        every: { ms: PROBE_TICK_MS, payload: {} },
      },
      {
        name: 'probe.work',
        handler: async ({ n, failTimes }) => {
          const ok = probeLog.runs.filter((r) => r.n === n && !r.ok).length >= failTimes;
          probeLog.runs.push({ n, by: this.id, ok });
          if (!ok) throw new Error(`probe ${n} failed on purpose`);
        },
      },
    ];
  }
}

@Module({ providers: [ProbeJobs] })
export class ProbeModule {}
