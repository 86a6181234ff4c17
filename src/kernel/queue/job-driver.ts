import type { JobMap, JobName } from './jobs.js';

/** Retries wait 100 ms, 200 ms, 400 ms, … after a failed attempt (both drivers, exponential). */
export const RETRY_BASE_MS = 100;
/** Retries after the first attempt when the producer names none. */
export const DEFAULT_RETRIES = 3;

export interface EnqueueOptions {
  /** Retries after the first attempt, with exponential backoff. */
  attempts?: number;
  delayMs?: number;
  /**
   * A key that makes the job unique while it is waiting, running or kept after completion (BullMQ's job id): a
   * producer that repeats itself (the outbox relay after a crash) adds it once.
   */
  key?: string;
}

/** One attempt of a job, as a driver runs it. `final`: no retry follows if it fails. */
export interface Attempt {
  attempt: number;
  final: boolean;
  /** A run of a repeatable schedule: its next period is its retry, it is never dead-lettered. */
  schedule: boolean;
}

/** Runs the handler of `name` once; throws when it failed (the driver then retries or gives up). */
export type RunJob = <N extends JobName>(name: N, payload: JobMap[N], attempt: Attempt) => Promise<void>;

/** Where jobs wait and who runs them: in this process (embedded), or BullMQ on Redis (production). */
export interface JobDriver {
  /** Jobs survive this process (another process may run them). */
  readonly durable: boolean;
  enqueue<N extends JobName>(
    name: N,
    payload: JobMap[N],
    options: Required<Omit<EnqueueOptions, 'key'>> & { key?: string },
  ): Promise<void>;
  every<N extends JobName>(name: N, everyMs: number, payload: JobMap[N]): Promise<void>;
  /** Starts running jobs here (the worker); producers that only enqueue never call it. */
  startConsumers(): Promise<void>;
  /** Resolves once the jobs this process enqueued have finished (tests, CLI). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}
