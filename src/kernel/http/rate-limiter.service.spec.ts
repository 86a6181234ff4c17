import { afterEach, describe, expect, it } from 'vitest';
import type { RedisService } from '../redis/redis.service.js';
import { RateLimiterService } from './rate-limiter.service.js';

// Embedded mode: no Redis client, so the limiter counts in process (our own fallback code path).
const noRedis = { client: undefined, healthy: false, prefix: 'x:' } as unknown as RedisService;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RateLimiterService (in-process fallback)', () => {
  let limiter: RateLimiterService;
  afterEach(() => limiter.onModuleDestroy());

  it('allows `limit` hits in a window, then refuses with a retry-after', async () => {
    limiter = new RateLimiterService(noRedis);
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiter.hit('login:a', 3, 60));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0]);
    const refused = await limiter.hit('login:a', 3, 60);
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.hit('login:a', 3, 60)).allowed).toBe(false);
  });

  it('counts each key separately', async () => {
    limiter = new RateLimiterService(noRedis);
    expect((await limiter.hit('k1', 1, 60)).allowed).toBe(true);
    expect((await limiter.hit('k1', 1, 60)).allowed).toBe(false);
    expect((await limiter.hit('k2', 1, 60)).allowed).toBe(true);
  });

  it('starts a new window once the old one has passed', async () => {
    limiter = new RateLimiterService(noRedis);
    expect((await limiter.hit('ip:1', 2, 1)).allowed).toBe(true);
    expect((await limiter.hit('ip:1', 2, 1)).allowed).toBe(true);
    const refused = await limiter.hit('ip:1', 2, 1);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(1);
    await sleep(1_100);
    const fresh = await limiter.hit('ip:1', 2, 1);
    expect(fresh).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 1 });
  });
});
