import type { HttpClient } from '../../setup/app.js';

export interface Sample {
  /** performance.now() when the request was sent, and its latency. */
  at: number;
  ms: number;
  /** HTTP status, or 0 when the request failed below HTTP (error says why) or hung past the timeout. */
  status: number;
  contentType: string;
  code?: string;
  error?: string;
}

export type Shot = () => Promise<Omit<Sample, 'at' | 'ms'>>;

/** One in-process request through the harness client, reduced to what the chaos checks look at. */
export const viaHttp =
  (http: HttpClient, path: string, token?: string): Shot =>
  async () => {
    const res = await http.get(path, token);
    const body = res.body as { code?: string } | undefined;
    return { status: res.status, contentType: String(res.headers['content-type'] ?? ''), code: body?.code };
  };

/** One request over a real socket (global fetch); a failure below HTTP is reported by its error code. */
export const viaFetch =
  (base: string, method: 'GET' | 'POST', path: string, opts: { body?: unknown; token?: string } = {}): Shot =>
  async () => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    const code = contentType.includes('json') && text ? (JSON.parse(text) as { code?: string }).code : undefined;
    return { status: res.status, contentType, code };
  };

/**
 * Closed-loop load: `concurrency` workers each send the next request as soon as their last one is
 * answered, until stopped. A request slower than `hangAfterMs` is recorded as a hang (status 0) and the
 * worker moves on, so a stuck dependency shows up as data, not as a stuck test.
 */
export class Load {
  readonly samples: Sample[] = [];
  private running = false;
  private sent = 0;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly opts: {
      concurrency: number;
      shot: (n: number) => Shot;
      hangAfterMs?: number;
      total?: number;
      /**
       * The load stops by itself after this long (default 120 s), so a test that fails between start() and
       * stop() cannot leave it running: against a closed app it would spin through instant failures and
       * fill the heap (seen in CI: a worker out of memory, holding the chaos lock for the next spec).
       */
      maxMs?: number;
    },
  ) {}

  start(): this {
    this.running = true;
    const total = this.opts.total ?? Infinity;
    const deadline = performance.now() + (this.opts.maxMs ?? 120_000);
    this.workers = Array.from({ length: this.opts.concurrency }, async () => {
      while (this.running && this.sent < total && performance.now() < deadline) {
        await this.once(this.opts.shot(this.sent++));
      }
    });
    return this;
  }

  /** Waits for the workers (all of `total` sent, or stopped). */
  async done(): Promise<Sample[]> {
    await Promise.all(this.workers);
    return this.samples;
  }

  async stop(): Promise<Sample[]> {
    this.running = false;
    return this.done();
  }

  /** Samples sent in [from, to). */
  sentBetween(from: number, to = Infinity): Sample[] {
    return this.samples.filter((s) => s.at >= from && s.at < to);
  }

  private async once(shot: Shot): Promise<void> {
    const hangAfterMs = this.opts.hangAfterMs ?? 10_000;
    const at = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<Omit<Sample, 'at' | 'ms'>>((resolve) => {
      timer = setTimeout(() => resolve({ status: 0, contentType: '', error: 'hang' }), hangAfterMs);
    });
    const result = await Promise.race([
      shot().catch((err: Error & { cause?: { code?: string } }) => ({
        status: 0,
        contentType: '',
        error: err.cause?.code ?? err.message,
      })),
      hang,
    ]);
    clearTimeout(timer);
    this.samples.push({ ...result, at, ms: performance.now() - at });
  }
}

/** Runs `shot` for `count` requests across `concurrency` workers and returns the samples. */
export function burst(total: number, concurrency: number, shot: (n: number) => Shot): Promise<Sample[]> {
  return new Load({ concurrency, shot, total }).start().done();
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface LatencySummary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(samples: Sample[]): LatencySummary {
  const ms = samples.map((s) => s.ms);
  const r = (v: number) => Math.round(v * 10) / 10;
  return { n: ms.length, p50: r(percentile(ms, 50)), p99: r(percentile(ms, 99)), max: r(Math.max(...ms)) };
}

/** Counts of each status (and error) for assertion messages. */
export function tally(samples: Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    const k = s.status === 0 ? `0:${s.error}` : String(s.status);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
