import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { JobHandler, JobMap, JobName } from './jobs.js';

export interface EnqueueOptions {
  /** Retries after the first attempt, with exponential backoff. */
  attempts?: number;
  delayMs?: number;
}

/**
 * The queue facade modules use. This is the in-process driver (embedded mode); the BullMQ driver, with
 * the same interface, comes with the jobs issue. Handlers must be idempotent: a retry may repeat work.
 */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Pending timers, each with what settles its waiter when shutdown cancels it. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private stopped = false;

  register<N extends JobName>(name: N, handler: JobHandler<N>): void {
    this.handlers.set(name, handler as unknown as JobHandler<JobName>);
  }

  async enqueue<N extends JobName>(name: N, payload: JobMap[N], options: EnqueueOptions = {}): Promise<void> {
    if (!this.handlers.has(name)) throw new Error(`No handler registered for job ${name}`);
    this.schedule(name, payload, options.delayMs ?? 0, options.attempts ?? 3, 0);
  }

  /** Runs `name` every `everyMs` until shutdown (a repeatable schedule). */
  every<N extends JobName>(name: N, everyMs: number, payload: JobMap[N]): void {
    const timer = setInterval(() => {
      if (!this.stopped) this.track(this.runOnce(name, payload));
    }, everyMs);
    timer.unref();
    this.timers.set(timer, () => undefined);
  }

  /** Resolves once nothing is running or waiting to run, delayed runs and pending retries included. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const [timer, cancel] of this.timers) {
      clearInterval(timer);
      cancel();
    }
    this.timers.clear();
    await this.drain();
  }

  private schedule<N extends JobName>(
    name: N,
    payload: JobMap[N],
    delayMs: number,
    attemptsLeft: number,
    attempt: number,
  ): void {
    const run = async () => {
      try {
        await this.runOnce(name, payload, true);
      } catch {
        if (attemptsLeft > 0 && !this.stopped)
          this.schedule(name, payload, 100 * 2 ** attempt, attemptsLeft - 1, attempt + 1);
      }
    };
    if (delayMs === 0) {
      this.track(Promise.resolve().then(run));
    } else {
      // Tracked from now, not from when the timer fires: drain() must wait for a retry that is still waiting.
      this.track(
        new Promise<void>((settle) => {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            void run().finally(settle);
          }, delayMs);
          timer.unref();
          this.timers.set(timer, settle);
        }),
      );
    }
  }

  private async runOnce<N extends JobName>(name: N, payload: JobMap[N], rethrow = false): Promise<void> {
    try {
      await this.handlers.get(name)!(payload);
    } catch (err) {
      this.logger.error(`job ${name} failed: ${(err as Error).message}`);
      if (rethrow) throw err;
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
