import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisService } from '../../src/kernel/redis/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { registerUser } from '../factories/user.factory.js';
import { PrivateRedis } from './support/redis-server.js';
import { burst, Load, summarize, tally, viaHttp, type Sample } from './support/load.js';
import { chaosLock } from './support/lock.js';
import { sleep, waitFor } from './support/ports.js';

// Low enough for a probe to reach in a fraction of a second, well above what one load user sends in a run.
const LIMIT = 300;
const LOAD_USERS = 80;
const CONCURRENCY = 8;
const OUTAGE_MS = 4_000;
// A pause cannot be lifted early (Redis holds CLIENT UNPAUSE too): long enough for the limit drill on a
// loaded CI machine, where 301 sequential requests under load can take several seconds.
const PAUSE_MS = 10_000;

type Registered = Awaited<ReturnType<typeof registerUser>>;

/**
 * Redis dies (SIGKILL) or hangs (CLIENT PAUSE: connections open, commands unanswered) while clients read.
 * Redis is an optimisation: reads must keep answering from PostgreSQL at about the usual latency,
 * revocation must stay immediate, rate limits must fall back to per-process counters (never unlimited),
 * readiness must say `degraded`, and everything must return to normal when Redis is back.
 */
describe('Redis outage under load (private redis-server)', () => {
  let redis: PrivateRedis | undefined;
  let t: TestApp | undefined;
  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await chaosLock();
    // Persistent, as in production: a restarted Redis still holds what was cached before it died.
    redis = await PrivateRedis.start({ persistent: true });
    t = await bootTestApp({ REDIS_URL: redis.url(), RATE_LIMIT_DEFAULT: String(LIMIT) });
  }, 180_000);

  afterAll(async () => {
    try {
      await t?.close().catch(() => undefined);
      await redis?.destroy();
    } finally {
      release?.();
    }
  });

  const register = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(t!)));
  const me = (token: string) => t!.http.get('/v1/me', token);

  /**
   * LIMIT + 1 reads by one user, CONCURRENCY at a time: exactly LIMIT are answered and one is refused
   * (the count is atomic, in Redis and in the per-process fallback alike). In parallel so that the drill
   * ends well inside a pause on a loaded machine (301 sequential reads once took 11.7 s there).
   */
  async function exhaustLimit(user: Registered): Promise<Record<string, number>> {
    return tally(await burst(LIMIT + 1, CONCURRENCY, () => viaHttp(t!.http, '/v1/me', user.accessToken)));
  }

  async function drill(
    name: string,
    fault: () => Promise<void>,
    heal: (faultAt: number) => Promise<void>,
    /** A pause ends by itself at a fixed time; a stopped server only when the test restarts it. */
    endsByItself?: { afterMs: number },
  ) {
    const outageMs = endsByItself?.afterMs ?? OUTAGE_MS;
    const app = t!;
    const [users, [victim, localProbe, sharedProbe]] = await Promise.all([register(LOAD_USERS), register(3)]);
    const shot = (n: number) => viaHttp(app.http, '/v1/me', users[n % users.length].accessToken);
    expect((await me(victim.accessToken)).status).toBe(200); // its session state is now cached (L1 and Redis)
    await burst(200, CONCURRENCY, shot);
    const normal = await burst(2_000, CONCURRENCY, shot);

    const load = new Load({ concurrency: CONCURRENCY, hangAfterMs: 10_000, shot }).start();
    // Stopped in `finally` as well: a load left running after a failed expectation outlives its app.
    try {
      await sleep(300);
      const faultAt = performance.now();
      await fault();
      await sleep(100);
      const health = await app.http.get('/health/ready');
      const logout = await app.http.post('/v1/auth/logout', {}, victim.accessToken);
      const revokedDuring = (await me(victim.accessToken)).status;
      const localLimit = await exhaustLimit(localProbe);
      // The in-process limit is only meaningful while Redis is still away.
      if (endsByItself) {
        const localDoneMs = performance.now() - faultAt;
        expect(localDoneMs, 'the limit drill outlasted the pause (machine too busy)').toBeLessThan(outageMs);
      }
      await sleep(outageMs - (performance.now() - faultAt));
      const healAt = performance.now();
      await heal(faultAt);
      const recoveryMs = await waitFor(async () => (await app.http.get('/health/ready')).body.status === 'ok', 5_000);
      await sleep(300);
      const all = await load.stop();
      const outage = load.sentBetween(faultAt, healAt);
      const revokedAfter = (await me(victim.accessToken)).status;
      const sharedLimit = await exhaustLimit(sharedProbe);
      const counted = await redis!
        .adminClient()
        .get(`${app.app.get(RedisService).prefix}rl:gen:u:${sharedProbe.user.id}`);
      const after = await burst(2_000, CONCURRENCY, shot);

      // "Normal" is measured with Redis healthy on both sides of the outage (before, and after recovery), so
      // background CPU load that drifts during the run does not decide the comparison.
      const baseline = summarize([...normal, ...after]);
      const figures = {
        normal: summarize(normal),
        outage: summarize(outage),
        after: summarize(after),
        p99Ratio: Math.round((summarize(outage).p99 / baseline.p99) * 100) / 100,
        timeToHealthyMs: Math.round(recoveryMs),
        statuses: tally(all),
      };
      console.log(`[chaos] redis ${name}: ${JSON.stringify(figures)}`);

      const only200 = (s: Sample[]) => expect(tally(s)).toEqual({ 200: s.length });
      only200(normal);
      only200(all);
      only200(after);
      // The requests in flight when Redis hangs wait for one command timeout each (that is how the breaker
      // learns): they must stay under 1% of the outage's requests for its p99 to say anything.
      expect(outage.length).toBeGreaterThan(100 * CONCURRENCY);

      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'degraded', checks: { database: 'up', redis: 'down' } });
      expect(logout.status).toBe(200);
      expect(revokedDuring).toBe(401);
      expect(revokedAfter).toBe(401);

      expect(localLimit).toEqual({ 200: LIMIT, 429: 1 });
      expect(sharedLimit).toEqual({ 200: LIMIT, 429: 1 });
      expect(Number(counted)).toBe(LIMIT + 1); // counted in Redis again, shared by every node
      expect(recoveryMs).toBeLessThan(5_000);
      expect(figures.outage.p99).toBeLessThanOrEqual(3 * baseline.p99);
    } finally {
      await load.stop();
    }
  }

  it('stopped (SIGKILL) and restarted: reads stay 200 from PostgreSQL, limits fall back, all recovers', async () => {
    await drill(
      'stopped',
      () => redis!.kill(),
      () => redis!.resume(),
    );
  }, 90_000);

  it('hung (CLIENT PAUSE, connections open): the same, without every command waiting for its timeout', async () => {
    await redis!.adminClient().ping();
    await drill(
      'paused',
      () => redis!.pause(PAUSE_MS),
      async (faultAt) => {
        await sleep(faultAt + PAUSE_MS + 50 - performance.now());
      },
      { afterMs: PAUSE_MS },
    );
  }, 90_000);

  it('leaves every invariant holding (test/invariants.sql)', async () => {
    expect(await invariantViolations(t!.database)).toEqual([]);
  });
});
