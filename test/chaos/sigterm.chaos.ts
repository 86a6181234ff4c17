import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, PASSWORD } from '../factories/user.factory.js';
import { PgCluster } from './support/pg-cluster.js';
import { Load, tally, viaFetch, type Sample, type Shot } from './support/load.js';
import { chaosLock } from './support/lock.js';
import { freePort, sleep, waitFor } from './support/ports.js';

const MAIN = new URL('../../dist/main.js', import.meta.url).pathname;
const CONCURRENCY = 24;
// Below this distance from the signal a request may land on either side of it (sent by us, not yet read
// by the server; or sent just before the server saw the signal): it must still be answered, by anything.
const EDGE_MS = 100;

/**
 * The built server (`node dist/main.js`, as deployed) gets SIGTERM while it is under load with fast
 * reads and slow argon2 logins/registrations: what it had accepted must finish with 2xx, what comes
 * later must be refused (503 or connection refused/reset), and it must exit 0 within the grace period.
 */
describe('SIGTERM under load (built server, private cluster)', () => {
  let cluster: PgCluster | undefined;
  let child: ChildProcess | undefined;
  let dataDir: string | undefined;
  let release: (() => void) | undefined;
  let output = '';

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run chaos\` (it builds first)`);
    release = await chaosLock();
    cluster = await PgCluster.start();
    dataDir = mkdtempSync(join(tmpdir(), 'medyour-chaos-data-'));
  }, 180_000);

  afterAll(async () => {
    try {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await cluster?.destroy();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    } finally {
      release?.();
    }
  });

  it('finishes in-flight requests, refuses new ones, and exits 0 within 10 s', async () => {
    const url = await cluster!.createDatabase('medyour_sigterm');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: url,
        MIGRATE_ON_BOOT: 'true',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '8000',
        // Every request comes from loopback: keep the per-IP limits out of the way.
        RATE_LIMIT_DEFAULT: '1000000',
        RATE_LIMIT_LOGIN_PER_IP: '1000000',
        RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    await waitFor(async () => (await fetch(`${base}/health/ready`)).status === 200, 30_000, 100).catch((err) => {
      throw new Error(`server did not become ready: ${(err as Error).message}\n${output}`);
    });

    const users = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const input = buildUser();
        const res = await fetch(`${base}/v1/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
        expect(res.status).toBe(201);
        return { input, token: ((await res.json()) as { accessToken: string }).accessToken };
      }),
    );
    // 6 in 10 are quick reads; the rest hash or verify a password with argon2 (tens of ms, queued behind
    // each other on the thread pool), so some are always mid-flight when the signal lands.
    const shot = (n: number): Shot => {
      const u = users[n % users.length];
      const kind = n % 10;
      if (kind < 6) return viaFetch(base, 'GET', '/v1/me', { token: u.token });
      if (kind < 9)
        return viaFetch(base, 'POST', '/v1/auth/login', { body: { identifier: u.input.email, password: PASSWORD } });
      return viaFetch(base, 'POST', '/v1/auth/register', { body: buildUser() });
    };
    const load = new Load({ concurrency: CONCURRENCY, hangAfterMs: 15_000, shot }).start();
    await sleep(1_500);

    const signalAt = performance.now();
    child.kill('SIGTERM');
    const [code, signal] = await Promise.race([exited, sleep(15_000).then(() => [null, 'timeout'] as const)]);
    const exitMs = performance.now() - signalAt;
    await sleep(300); // a few more requests against the stopped server
    const samples = await load.stop();

    const ok = (s: Sample) => s.status === 200 || s.status === 201;
    const before = samples.filter((s) => s.at < signalAt - EDGE_MS);
    const inFlight = before.filter((s) => s.at + s.ms > signalAt);
    const edge = samples.filter((s) => s.at >= signalAt - EDGE_MS && s.at <= signalAt + EDGE_MS);
    const later = samples.filter((s) => s.at > signalAt + EDGE_MS);
    const figures = {
      requests: samples.length,
      statuses: tally(samples),
      inFlightAtSignal: inFlight.length,
      inFlightStatuses: tally(inFlight),
      lastInFlightDoneMs: Math.round(Math.max(...inFlight.map((s) => s.at + s.ms)) - signalAt),
      aroundSignal: tally(edge),
      afterSignal: tally(later),
      exitCode: code,
      exitMs: Math.round(exitMs),
    };
    console.log(`[chaos] sigterm: ${JSON.stringify(figures)}`);

    expect({ code, signal }, output).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(10_000);
    expect(before.length).toBeGreaterThan(CONCURRENCY);
    expect(inFlight.length).toBeGreaterThanOrEqual(4);
    expect(
      before.filter((s) => !ok(s)),
      'a request accepted before SIGTERM was dropped',
    ).toEqual([]);
    expect(later.length).toBeGreaterThan(0);
    const refused = (s: Sample) =>
      s.status === 503 || ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(s.error!);
    expect(
      later.filter((s) => !refused(s)),
      'served or failed otherwise after SIGTERM',
    ).toEqual([]);
    expect(edge.filter((s) => !ok(s) && !refused(s))).toEqual([]);
    expect(samples.filter((s) => s.error === 'hang')).toEqual([]);
  }, 90_000);
});
