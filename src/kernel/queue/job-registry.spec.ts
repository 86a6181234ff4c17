import { Injectable, Logger, Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from './job-queue.js';
import { JobRegistry } from './job-registry.js';
import { ModuleJobs, type JobDefinition, type JobSource } from './jobs.js';

// The kernel's own augmentation is enough for these tests: 'outbox.relay' stands for any module's job.
import '../events/outbox.jobs.js';

const runs: string[] = [];

@ModuleJobs()
@Injectable()
class RelayJobs implements JobSource {
  jobs(): JobDefinition[] {
    return [
      {
        name: 'outbox.relay',
        handler: async () => {
          runs.push('relay');
        },
        every: { ms: 1_000, payload: {} },
      },
    ];
  }
}

@ModuleJobs()
@Injectable()
class SameNameJobs implements JobSource {
  jobs(): JobDefinition[] {
    return [{ name: 'outbox.relay', handler: async () => undefined }];
  }
}

@Module({ imports: [DiscoveryModule], providers: [JobQueue, JobRegistry, RelayJobs] })
class OneSource {}

@Module({ imports: [DiscoveryModule], providers: [JobQueue, JobRegistry, RelayJobs, SameNameJobs] })
class TwoSourcesOneName {}

beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));

describe('JobRegistry', () => {
  it('registers the handlers a @ModuleJobs() provider declares and lists its schedules', async () => {
    const app = await NestFactory.createApplicationContext(OneSource, { logger: false });
    try {
      expect(app.get(JobRegistry).schedules()).toEqual([{ name: 'outbox.relay', everyMs: 1_000 }]);
      const queue = app.get(JobQueue);
      await queue.enqueue('outbox.relay', {});
      await queue.drain();
      expect(runs).toEqual(['relay']);
    } finally {
      await app.close();
    }
  });

  it('refuses to boot when two providers declare the same job', async () => {
    await expect(
      NestFactory.createApplicationContext(TwoSourcesOneName, { logger: false, abortOnError: false }),
    ).rejects.toThrow(/outbox.relay is declared twice/);
  });
});
