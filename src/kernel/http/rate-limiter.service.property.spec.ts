import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RedisService } from '../redis/redis.service.js';
import { RateLimiterService } from './rate-limiter.service.js';

const SEED = 20_240_611;
// Embedded mode (no Redis client): the in-process counter is the code under test.
const noRedis = { client: undefined, healthy: false, prefix: 'x:' } as unknown as RedisService;

describe('RateLimiterService (in-process fallback) under concurrent hits', () => {
  it('allows exactly min(hits, limit) per key in a window, whatever order the hits start and finish in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.constantFrom('login:a', 'login:b', 'ip:1'), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 10 }),
        async (s, keys, limit) => {
          const limiter = new RateLimiterService(noRedis);
          try {
            // Each hit starts when the scheduler says so, and its answer is delivered in a scheduled order too.
            const hit = s.scheduleFunction((key: string) => limiter.hit(key, limit, 60));
            const decisions = keys.map((key) =>
              s.schedule(Promise.resolve(), `start ${key}`).then(() => hit(key).then((d) => ({ key, ...d }))),
            );
            await s.waitIdle();
            const all = await Promise.all(decisions);
            for (const key of new Set(keys)) {
              const mine = all.filter((d) => d.key === key);
              expect(mine.filter((d) => d.allowed).length).toBe(Math.min(mine.length, limit));
              // The n-th counted hit sees limit - n remaining: each remaining value appears once while allowed.
              const remaining = mine.filter((d) => d.allowed).map((d) => d.remaining);
              expect(new Set(remaining).size).toBe(remaining.length);
              expect(mine.every((d) => d.retryAfterSeconds >= 1 && d.retryAfterSeconds <= 60)).toBe(true);
            }
          } finally {
            limiter.onModuleDestroy();
          }
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});
