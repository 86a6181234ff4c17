import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { CONFIG, type Config } from '../../config/index.js';
import { RedisService } from '../redis/redis.service.js';

const INVALIDATE_CHANNEL = 'cache:invalidate';

/**
 * Two-level cache: in-process LRU (L1) and Redis (L2) with pub/sub invalidation of every node's L1.
 * When Redis is configured but down, reads skip both levels and go to the loader (the database), so a
 * node that may have missed an invalidation never serves stale data (a revoked session stays revoked).
 */
@Injectable()
export class CacheService implements OnModuleInit {
  private readonly logger = new Logger('Cache');
  private readonly l1: LRUCache<string, { v: unknown }>;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly redis: RedisService,
  ) {
    this.l1 = new LRUCache({ max: config.cache.l1MaxEntries, ttl: config.cache.l1TtlSeconds * 1000 });
  }

  async onModuleInit(): Promise<void> {
    // Whatever happened while Redis was away may not have reached us: start clean on every reconnect.
    this.redis.onReady(() => this.l1.clear());
    await this.redis.subscribe(INVALIDATE_CHANNEL, (key) => this.l1.delete(key));
  }

  async getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    if (this.redis.configured && !this.redis.healthy) return load();
    const hit = this.l1.get(key);
    if (hit) return hit.v as T;
    const client = this.redis.client;
    if (client) {
      try {
        const raw = await client.get(this.redis.prefix + 'c:' + key);
        if (raw !== null) {
          const v = JSON.parse(raw) as T;
          this.l1.set(key, { v }, { ttl: Math.min(ttlSeconds * 1000, this.l1.ttl) });
          return v;
        }
      } catch (err) {
        this.logger.debug(`L2 read failed for ${key}: ${(err as Error).message}`);
        return load();
      }
    }
    const v = await load();
    this.l1.set(key, { v }, { ttl: Math.min(ttlSeconds * 1000, this.l1.ttl) });
    if (client && v !== undefined) {
      client.set(this.redis.prefix + 'c:' + key, JSON.stringify(v), 'EX', ttlSeconds).catch(() => undefined);
    }
    return v;
  }

  /** Deletes a key everywhere: this node, Redis, and (via pub/sub) every other node's L1. */
  async del(...keys: string[]): Promise<void> {
    for (const k of keys) this.l1.delete(k);
    const client = this.redis.client;
    if (!client || !this.redis.healthy) return;
    try {
      await client.del(...keys.map((k) => this.redis.prefix + 'c:' + k));
      await Promise.all(keys.map((k) => this.redis.publish(INVALIDATE_CHANNEL, k)));
    } catch (err) {
      this.logger.warn(`invalidation failed: ${(err as Error).message}`);
    }
  }
}
