import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobQueue } from './job-queue.js';

const SEED = 20_240_611;
/** Each job fails its first `failures` runs; it is enqueued with `attempts` retries. */
const jobs = fc.array(fc.record({ failures: fc.nat(3), attempts: fc.nat(3), delayMs: fc.constantFrom(0, 0, 50) }), {
  minLength: 1,
  maxLength: 6,
});

// The queue logs every failed run; the failures here are on purpose.
beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));
afterEach(() => vi.useRealTimers());

/** Lets the scheduler and the (fake) retry timers run until neither has anything left. */
async function settle(s: fc.Scheduler, done: () => boolean) {
  for (let i = 0; i < 1_000 && !done(); i++) {
    await s.waitIdle();
    if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
    else await Promise.resolve();
  }
}

describe('JobQueue (in-process driver) under scheduled interleavings', () => {
  it('runs each job until it succeeds or its attempts run out: never twice after success, never dropped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), jobs, async (s, specs) => {
        vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
        const queue = new JobQueue();
        const runs = specs.map(() => 0);
        const successes = specs.map(() => 0);
        queue.register('outbox.relay', async (payload) => {
          const id = (payload as unknown as { id: number }).id;
          const run = ++runs[id];
          // Every run yields to the scheduler, so runs of different jobs interleave in any order.
          await s.schedule(Promise.resolve(), `job ${id} run ${run}`);
          if (run <= specs[id].failures) throw new Error('flaky');
          successes[id]++;
        });
        // Concurrent producers, started in an order the scheduler picks.
        const enqueued = specs.map((spec, id) =>
          s
            .schedule(Promise.resolve(), `enqueue ${id}`)
            .then(() =>
              queue.enqueue('outbox.relay', { id } as never, { attempts: spec.attempts, delayMs: spec.delayMs }),
            ),
        );
        let drained = false;
        const drain = Promise.all(enqueued)
          .then(() => queue.drain())
          .then(() => {
            drained = true;
          });
        const final = () => specs.every((spec, id) => runs[id] === Math.min(spec.failures, spec.attempts) + 1);
        await settle(s, () => drained);
        await drain;
        // drain() resolved: every job has finished (succeeded, or failed attempts + 1 times).
        expect(final()).toBe(true);
        specs.forEach((spec, id) => {
          expect(successes[id]).toBe(spec.failures <= spec.attempts ? 1 : 0);
        });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('runs nothing after shutdown, whatever was pending', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), jobs, fc.nat(20), async (s, specs, stopAfter) => {
        vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
        const queue = new JobQueue();
        let stopped = false;
        let runsAfterStop = 0;
        const failuresOf = specs.map((spec) => spec.failures);
        queue.register('outbox.relay', async (payload) => {
          const id = (payload as unknown as { id: number }).id;
          if (stopped) runsAfterStop++;
          await s.schedule(Promise.resolve(), `job ${id}`);
          if (failuresOf[id]-- > 0) throw new Error('flaky');
        });
        await Promise.all(
          specs.map((spec, id) =>
            queue.enqueue('outbox.relay', { id } as never, { attempts: spec.attempts, delayMs: spec.delayMs }),
          ),
        );
        for (let i = 0; i < stopAfter && s.count() > 0; i++) await s.waitNext(1);
        const shutdown = queue.onApplicationShutdown().then(() => {
          stopped = true;
        });
        await settle(s, () => stopped);
        await shutdown;
        await settle(s, () => false);
        expect(runsAfterStop).toBe(0);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});
