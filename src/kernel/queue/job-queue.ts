import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { BullmqDriver } from './bullmq-driver.js';
import { InProcessDriver } from './in-process-driver.js';
import { DEFAULT_RETRIES, type Attempt, type EnqueueOptions, type JobDriver } from './job-driver.js';
import { JobFailuresRepository } from './job-failures.repository.js';
import type { JobHandler, JobMap, JobName } from './jobs.js';

export type { EnqueueOptions } from './job-driver.js';

/**
 * The queue facade modules use, over one of two drivers with the same handlers and retries: BullMQ when
 * Redis is configured (JOBS_DRIVER defaults to it), in-process otherwise. A job that fails its last attempt
 * is dead-lettered in `job_failures`, where staff list and retry it. Handlers must be idempotent: a retry,
 * or a worker taking over a crashed one's job, may repeat work.
 */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();
  private readonly driver: JobDriver;
  private stopped = false;

  constructor(
    @Optional() @Inject(CONFIG) config?: Config,
    @Optional() private readonly failures?: JobFailuresRepository,
  ) {
    const run = this.runAttempt.bind(this) as never;
    this.driver =
      config?.jobs.driver === 'bullmq' && config.redis
        ? new BullmqDriver(
            {
              url: config.redis.url,
              keyPrefix: config.redis.keyPrefix,
              concurrency: config.jobs.concurrency,
              lockDurationMs: config.jobs.lockMs,
            },
            run,
          )
        : new InProcessDriver(run);
  }

  /** Jobs outlive this process (BullMQ): the outbox relay may hand events over instead of delivering them. */
  get durable(): boolean {
    return this.driver.durable;
  }

  register<N extends JobName>(name: N, handler: JobHandler<N>): void {
    this.handlers.set(name, handler as unknown as JobHandler<JobName>);
  }

  has(name: JobName): boolean {
    return this.handlers.has(name);
  }

  async enqueue<N extends JobName>(name: N, payload: JobMap[N], options: EnqueueOptions = {}): Promise<void> {
    if (!this.handlers.has(name)) throw new Error(`No handler registered for job ${name}`);
    await this.driver.enqueue(name, payload, {
      attempts: options.attempts ?? DEFAULT_RETRIES,
      delayMs: options.delayMs ?? 0,
      key: options.key,
    });
  }

  /** Runs `name` every `everyMs` until shutdown (a repeatable schedule; with BullMQ once per period overall). */
  async every<N extends JobName>(name: N, everyMs: number, payload: JobMap[N]): Promise<void> {
    await this.driver.every(name, everyMs, payload);
  }

  /** The worker: runs jobs in this process (an API process with BullMQ only enqueues). */
  async startConsumers(): Promise<void> {
    await this.driver.startConsumers();
  }

  /** After every schedule is upserted: forget the ones no module declares any more (BullMQ only). */
  async pruneSchedules(): Promise<void> {
    if (this.driver instanceof BullmqDriver) await this.driver.pruneSchedules();
  }

  /** Resolves once what this process enqueued has finished, retries included. */
  async drain(): Promise<void> {
    await this.driver.drain();
  }

  /** The BullMQ driver (specs look into Redis through it), or undefined in process. */
  get bullmq(): BullmqDriver | undefined {
    return this.driver instanceof BullmqDriver ? this.driver : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.driver.stop();
  }

  /** One attempt, whichever driver runs it; the last failed one leaves a dead letter. */
  private async runAttempt<N extends JobName>(name: N, payload: JobMap[N], at: Attempt): Promise<void> {
    const handler = this.handlers.get(name);
    try {
      if (!handler) throw new Error(`No handler registered for job ${name}`);
      await handler(payload);
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      this.logger.error(`job ${name} failed (attempt ${at.attempt + 1}): ${message}`);
      if (at.final && !at.schedule) await this.deadLetter(name, payload, at.attempt + 1, message);
      throw err;
    }
  }

  async deadLetter(name: JobName, payload: unknown, attempts: number, lastError: string): Promise<void> {
    if (!this.failures) return;
    await this.failures
      .record({ name, payload, attempts, lastError })
      .catch((e: Error) => this.logger.error(`job ${name} not dead-lettered: ${e.message}`));
  }
}
