import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** One request a worker sends; the driver asks for the next one each time (a new customer, key and token). */
export interface Request {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Load {
  /** Answered requests a second (2xx and the rest), over the run's wall time. */
  rps: number;
  p50: number;
  p99: number;
  answered: number;
  non2xx: number;
  errors: number;
  /** The driver had no prepared request left before the time was up. */
  exhausted: boolean;
}

/**
 * A closed-loop load: `workers` concurrent clients on keep-alive connections, each sending the request
 * `next(worker)` gives it as soon as its previous one is answered, for `seconds` or until `next` has none.
 * autocannon repeats fixed requests; checkout needs a different customer (token, cart, key) every time.
 */
export async function drive(
  base: string,
  workers: number,
  seconds: number,
  next: (worker: number) => Request | undefined,
): Promise<Load> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const url = new URL(base);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let exhausted = false;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const one = (r: Request) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: r.method,
          path: r.path,
          headers: r.body ? { ...r.headers, 'content-type': 'application/json' } : r.headers,
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.once('error', reject);
      req.end(r.body);
    });
  const worker = async (w: number) => {
    while (performance.now() < deadline) {
      const r = next(w);
      if (!r) {
        exhausted = true;
        return;
      }
      const t0 = performance.now();
      try {
        const status = await one(r);
        if (status < 200 || status >= 300) non2xx++;
      } catch {
        errors++;
        continue;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    rps: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    answered: latencies.length,
    non2xx,
    errors,
    exhausted,
  };
}
