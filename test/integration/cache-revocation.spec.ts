import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { RedisService } from '../../src/kernel/redis/redis.service.js';
import { CacheService } from '../../src/kernel/cache/cache.service.js';

/**
 * Revocation must not be undone by a load that was already running: a delete wins over any load that
 * started before it (the loader read the old row; writing its result back would resurrect it).
 */
interface Node {
  cache: CacheService;
  redis: RedisService;
}

const open: Node[] = [];
async function node(prefix?: string): Promise<Node> {
  const config = loadConfig({
    NODE_ENV: 'test',
    REDIS_URL: prefix ? process.env.TEST_REDIS_URL : undefined,
    REDIS_KEY_PREFIX: prefix,
  });
  const redis = new RedisService(config);
  const cache = new CacheService(config, redis);
  await cache.onModuleInit();
  if (prefix) await vi.waitFor(() => expect(redis.healthy).toBe(true));
  const n = { cache, redis };
  open.push(n);
  return n;
}
afterAll(async () => {
  await Promise.all(open.map((n) => n.redis.onModuleDestroy()));
});

/** A loader that stops inside, as a database read does, until the test lets it finish. */
function pausedLoader<T>(value: T) {
  let release!: () => void;
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  const gate = new Promise<void>((r) => (release = r));
  const load = async () => {
    entered();
    await gate;
    return value;
  };
  return { load, inside, release };
}

/** Every command sent before this on the node's connection has been applied (Redis runs them in order). */
const settled = (n: Node) => n.redis.client!.ping();

describe('CacheService: a delete wins over a load that started before it', () => {
  let key: string;
  it('L1 only (embedded): the paused load does not write the old value back after the delete', async () => {
    const a = await node();
    key = `auth:session:${randomUUID()}`;
    const stale = pausedLoader({ revoked: false });
    const pending = a.cache.getOrLoad(key, 60, stale.load);
    await stale.inside;
    await a.cache.del(key);
    stale.release();
    // The caller that asked before the delete gets what it read; the cache keeps none of it.
    expect(await pending).toEqual({ revoked: false });
    expect(await a.cache.getOrLoad(key, 60, async () => ({ revoked: true }))).toEqual({ revoked: true });
  });

  it('L1 + Redis: neither level holds the old value after the delete', async () => {
    const prefix = `t:${randomUUID().slice(0, 8)}:`;
    const a = await node(prefix);
    key = `auth:session:${randomUUID()}`;
    const stale = pausedLoader({ revoked: false });
    const pending = a.cache.getOrLoad(key, 60, stale.load);
    await stale.inside;
    await a.cache.del(key);
    stale.release();
    expect(await pending).toEqual({ revoked: false });
    await settled(a);
    expect(await a.redis.client!.get(`${prefix}c:${key}`)).toBeNull();
    expect(await a.cache.getOrLoad(key, 60, async () => ({ revoked: true }))).toEqual({ revoked: true });
  });

  it('two nodes sharing Redis: a delete on node B beats a load paused on node A', async () => {
    const prefix = `t:${randomUUID().slice(0, 8)}:`;
    const a = await node(prefix);
    const b = await node(prefix);
    key = `auth:session:${randomUUID()}`;
    // A test-side listener: once it has the invalidation, A's subscriber has had the same chance.
    const probe = new Redis(process.env.TEST_REDIS_URL!);
    await probe.subscribe(`${prefix}cache:invalidate`);
    const heard = new Promise<void>((r) => probe.on('message', (_c, m: string) => m.endsWith('\n' + key) && r()));

    const stale = pausedLoader({ revoked: false });
    const pending = a.cache.getOrLoad(key, 60, stale.load);
    await stale.inside;
    await b.cache.del(key);
    await heard;
    await new Promise((r) => setTimeout(r, 20));
    stale.release();
    expect(await pending).toEqual({ revoked: false });
    await settled(a);
    await probe.quit();

    expect(await a.redis.client!.get(`${prefix}c:${key}`)).toBeNull();
    const fresh = async () => ({ revoked: true });
    expect(await a.cache.getOrLoad(key, 60, fresh)).toEqual({ revoked: true });
    expect(await b.cache.getOrLoad(key, 60, fresh)).toEqual({ revoked: true });
  });

  it('a load that started after the delete is cached as usual (the generation only stops older loads)', async () => {
    const prefix = `t:${randomUUID().slice(0, 8)}:`;
    const a = await node(prefix);
    const b = await node(prefix);
    key = `auth:session:${randomUUID()}`;
    await b.cache.del(key);
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await a.cache.getOrLoad(key, 60, load)).toEqual({ n: 1 });
    await settled(a);
    expect(JSON.parse((await a.redis.client!.get(`${prefix}c:${key}`))!)).toEqual({ n: 1 });
    // Served from L1 on A and from Redis on B: the loader is not called again.
    expect(await a.cache.getOrLoad(key, 60, load)).toEqual({ n: 1 });
    expect(await b.cache.getOrLoad(key, 60, load)).toEqual({ n: 1 });
    expect(loads).toBe(1);
  });

  it('two overlapping loads and a delete between their starts: only the later load is kept', async () => {
    const a = await node();
    key = `k:${randomUUID()}`;
    const first = pausedLoader('old');
    const p1 = a.cache.getOrLoad(key, 60, first.load);
    await first.inside;
    await a.cache.del(key);
    const p2 = a.cache.getOrLoad(key, 60, async () => 'new');
    expect(await p2).toBe('new');
    first.release();
    expect(await p1).toBe('old');
    expect(await a.cache.getOrLoad(key, 60, async () => 'never')).toBe('new');
  });
});
