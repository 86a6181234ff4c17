import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { RateLimiterService } from '../../src/kernel/http/rate-limiter.service.js';
import { RedisService } from '../../src/kernel/redis/redis.service.js';

/** The general limit on Redis, counted ahead on the node: one node never admits more than the limit. */
describe('RateLimiterService on Redis (batched general limit)', () => {
  let redis: RedisService;
  let limiter: RateLimiterService;
  beforeAll(async () => {
    redis = new RedisService(
      loadConfig({ NODE_ENV: 'test', REDIS_URL: process.env.TEST_REDIS_URL, REDIS_KEY_PREFIX: `rl-${randomUUID()}:` }),
    );
    await vi.waitFor(() => expect(redis.healthy).toBe(true));
    limiter = new RateLimiterService(redis);
  });
  afterAll(async () => {
    limiter.onModuleDestroy();
    await redis.onModuleDestroy();
  });

  it('admits exactly the limit from a burst that arrives at once (hits in flight to Redis count ahead too)', async () => {
    const decisions = await Promise.all(Array.from({ length: 1000 }, () => limiter.hit('ip:burst', 100, 60)));
    expect(decisions.filter((d) => d.allowed).length).toBe(100);
    await limiter.flush();
    expect(Number(await redis.client!.get(`${redis.prefix}rl:ip:burst`))).toBe(1000);
  });

  it('admits exactly the limit from waves sent while earlier hits are still on their way', async () => {
    const waves = [];
    for (let i = 0; i < 20; i++) {
      waves.push(Promise.all(Array.from({ length: 15 }, () => limiter.hit('ip:waves', 100, 60))));
      await new Promise((r) => setImmediate(r));
    }
    const decisions = (await Promise.all(waves)).flat();
    expect(decisions.filter((d) => d.allowed).length).toBe(100);
  });
});
