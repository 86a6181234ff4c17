import type { JobMap, JobName } from './jobs.js';
import { RETRY_BASE_MS, type JobDriver, type RunJob } from './job-driver.js';

/**
 * Embedded mode: jobs run in this process, retries on timers. Nothing survives a restart, which is why the
 * outbox relay delivers events inline with this driver (an event is marked sent only once delivered) instead
 * of handing them to it.
 */
export class InProcessDriver implements JobDriver {
  readonly durable = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Pending timers, each with what settles its waiter when shutdown cancels it. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private stopped = false;

  constructor(private readonly run: RunJob) {}

  async enqueue<N extends JobName>(
    name: N,
    payload: JobMap[N],
    options: { attempts: number; delayMs: number },
  ): Promise<void> {
    this.schedule(name, payload, options.delayMs, options.attempts, 0);
  }

  async every<N extends JobName>(name: N, everyMs: number, payload: JobMap[N]): Promise<void> {
    const timer = setInterval(() => {
      if (this.stopped) return;
      this.track(this.run(name, payload, { attempt: 0, final: true, schedule: true }).catch(() => undefined));
    }, everyMs);
    timer.unref();
    this.timers.set(timer, () => undefined);
  }

  async startConsumers(): Promise<void> {}

  /** Resolves once nothing is running or waiting to run, delayed runs and pending retries included. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async stop(): Promise<void> {
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
        await this.run(name, payload, { attempt, final: attemptsLeft === 0, schedule: false });
      } catch {
        if (attemptsLeft > 0 && !this.stopped)
          this.schedule(name, payload, RETRY_BASE_MS * 2 ** attempt, attemptsLeft - 1, attempt + 1);
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

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
