import { Logger } from '@nestjs/common';
import { Job, Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { JobMap, JobName } from './jobs.js';
import { RETRY_BASE_MS, type JobDriver, type RunJob } from './job-driver.js';

/** One queue for every job: the job's name picks its handler (the typed job map). */
export const QUEUE_NAME = 'jobs';
/** How often a worker checks that Redis still holds every schedule. */
const SCHEDULE_CHECK_MS = 15_000;
const UNFINISHED = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export interface BullmqOptions {
  url: string;
  /** The deployment's Redis key prefix (REDIS_KEY_PREFIX); BullMQ's keys live under `<prefix>bull:`. */
  keyPrefix: string;
  concurrency: number;
  /** How long a job may run without its worker renewing the lock before another worker takes it over. */
  lockDurationMs: number;
}

/**
 * Production: jobs wait in Redis and any worker process runs them (`npm run worker`); API processes only
 * enqueue. Repeatable schedules are job schedulers with a fixed id (the job's name), so N workers upserting
 * the same schedule make one: it fires once per period, whoever runs it.
 */
export class BullmqDriver implements JobDriver {
  readonly durable = true;
  private readonly logger = new Logger('Jobs');
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly prefix: string;
  private readonly enqueued = new Set<string>();
  private readonly schedules = new Map<string, { everyMs: number; payload: unknown }>();
  private keeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: BullmqOptions,
    private readonly run: RunJob,
  ) {
    this.prefix = `${opts.keyPrefix}bull`;
    // A producer fails fast while Redis is away (the outbox keeps the events; the relay tries again later)
    // instead of queueing commands in memory that a crash would lose.
    this.queue = new Queue(QUEUE_NAME, {
      connection: this.connection({ enableOfflineQueue: false }),
      prefix: this.prefix,
      defaultJobOptions: {
        backoff: { type: 'exponential', delay: RETRY_BASE_MS },
        // Kept a while, so that a repeated add with the same key is still recognised as done.
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
      },
    });
    this.queue.on('error', (err) => this.logger.warn(`queue: ${err.message}`));
  }

  async enqueue<N extends JobName>(
    name: N,
    payload: JobMap[N],
    options: { attempts: number; delayMs: number; key?: string },
  ): Promise<void> {
    const job = await this.queue.add(name, payload, {
      attempts: options.attempts + 1,
      delay: options.delayMs || undefined,
      jobId: options.key,
    });
    if (job.id) this.enqueued.add(job.id);
  }

  async every<N extends JobName>(name: N, everyMs: number, payload: JobMap[N]): Promise<void> {
    this.schedules.set(name, { everyMs, payload });
    await this.upsertSchedule(name, everyMs, payload);
    // A Redis restarted without its data (or flushed) forgets the schedulers: the worker puts back the missing.
    this.keeper ??= setInterval(() => void this.restoreSchedules(), SCHEDULE_CHECK_MS);
    this.keeper.unref();
  }

  private upsertSchedule(name: string, everyMs: number, payload: unknown) {
    return this.queue.upsertJobScheduler(
      name,
      { every: everyMs },
      { name, data: payload, opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }

  /** Upserts only the schedules Redis no longer holds (an upsert of a live one could move its next run). */
  async restoreSchedules(): Promise<void> {
    try {
      for (const [name, s] of this.schedules) {
        if (!(await this.queue.getJobScheduler(name))) await this.upsertSchedule(name, s.everyMs, s.payload);
      }
    } catch (err) {
      this.logger.warn(`schedules not checked: ${(err as Error).message}`);
    }
  }

  /** Drops the schedulers no module declares any more (a job renamed or removed in this release). */
  async pruneSchedules(): Promise<void> {
    for (const s of await this.queue.getJobSchedulers(0, -1)) {
      if (s.key && !this.schedules.has(s.key)) await this.queue.removeJobScheduler(s.key);
    }
  }

  async startConsumers(): Promise<void> {
    if (this.worker) return;
    this.worker = new Worker(
      QUEUE_NAME,
      async (job: Job) => {
        const attempts = job.opts.attempts ?? 1;
        await this.run(job.name as JobName, job.data as never, {
          attempt: job.attemptsMade,
          final: job.attemptsMade + 1 >= attempts,
          schedule: Boolean(job.repeatJobKey),
        });
      },
      {
        // Blocking commands must wait for Redis as long as it takes (BullMQ requires it of a worker).
        connection: this.connection({ maxRetriesPerRequest: null }),
        prefix: this.prefix,
        concurrency: this.opts.concurrency,
        lockDuration: this.opts.lockDurationMs,
        stalledInterval: this.opts.lockDurationMs,
      },
    );
    this.worker.on('error', (err) => this.logger.warn(`worker: ${err.message}`));
    await this.worker.waitUntilReady();
  }

  async drain(): Promise<void> {
    while (this.enqueued.size > 0) {
      for (const id of [...this.enqueued]) {
        const job = await Job.fromId(this.queue, id);
        const state = job ? await job.getState() : 'unknown';
        if (!UNFINISHED.has(state)) this.enqueued.delete(id);
      }
      if (this.enqueued.size > 0) await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the running jobs to finish (graceful stop), then closes the connections. */
  async stop(): Promise<void> {
    clearInterval(this.keeper);
    await this.worker?.close();
    await this.queue.close();
  }

  /** The Redis-down test, the admin list and the chaos spec read the queue itself. */
  get bull(): Queue {
    return this.queue;
  }

  private connection(extra: Record<string, unknown>): ConnectionOptions {
    return { url: this.opts.url, connectTimeout: 1_000, ...extra } as ConnectionOptions;
  }
}
