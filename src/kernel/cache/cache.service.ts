import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { CONFIG, type Config } from '../../config/index.js';
import { RedisService } from '../redis/redis.service.js';

const INVALIDATE_CHANNEL = 'cache:invalidate';
// Deletions that could not reach Redis; past this many, older ones are left to their TTL.
const MAX_PENDING = 100_000;

/**
 * Two-level cache: in-process LRU (L1) and Redis (L2) with pub/sub invalidation of every node's L1.
 * When Redis is configured but down, reads skip both levels and go to the loader (the database), so a
 * node that may have missed an invalidation never serves stale data (a revoked session stays revoked).
 * A deletion made while Redis is down is kept and replayed when it is back: otherwise the value cached
 * in Redis before the outage (a session not yet revoked) would be served again once Redis returns.
 */
@Injectable()
export class CacheService implements OnModuleInit {
  private readonly logger = new Logger('Cache');
  private readonly l1: LRUCache<string, { v: unknown }>;
  private readonly pending = new Set<string>();

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly redis: RedisService,
  ) {
    this.l1 = new LRUCache({ max: config.cache.l1MaxEntries, ttl: config.cache.l1TtlSeconds * 1000 });
  }

  async onModuleInit(): Promise<void> {
    // Whatever happened while Redis was away may not have reached us: start clean on every reconnect.
    this.redis.onReady(() => {
      this.l1.clear();
      void this.replayPending();
    });
    await this.redis.subscribe(INVALIDATE_CHANNEL, (key) => this.l1.delete(key));
  }

  async getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    if (this.redis.configured && (!this.redis.healthy || this.pending.has(key))) return load();
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
        this.redis.reportFailure(err);
        return load();
      }
    }
    const v = await load();
    this.l1.set(key, { v }, { ttl: Math.min(ttlSeconds * 1000, this.l1.ttl) });
    if (client && v !== undefined) {
      client
        .set(this.redis.prefix + 'c:' + key, JSON.stringify(v), 'EX', ttlSeconds)
        .catch((err: unknown) => this.redis.reportFailure(err));
    }
    return v;
  }

  /** Deletes a key everywhere: this node, Redis, and (via pub/sub) every other node's L1. */
  async del(...keys: string[]): Promise<void> {
    for (const k of keys) this.l1.delete(k);
    if (!this.redis.client) return;
    if (!this.redis.healthy) return this.defer(keys);
    try {
      await this.delEverywhere(keys);
    } catch (err) {
      this.logger.warn(`invalidation failed: ${(err as Error).message}`);
      this.redis.reportFailure(err);
      this.defer(keys);
    }
  }

  private async delEverywhere(keys: string[]): Promise<void> {
    const client = this.redis.client!;
    await client.del(...keys.map((k) => this.redis.prefix + 'c:' + k));
    await Promise.all(keys.map((k) => this.redis.publish(INVALIDATE_CHANNEL, k)));
  }

  private defer(keys: string[]): void {
    for (const k of keys) {
      if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.values().next().value!);
      this.pending.add(k);
    }
  }

  private async replayPending(): Promise<void> {
    const keys = [...this.pending];
    for (let i = 0; i < keys.length && this.redis.healthy; i += 500) {
      const batch = keys.slice(i, i + 500);
      try {
        await this.delEverywhere(batch);
        for (const k of batch) this.pending.delete(k);
      } catch (err) {
        this.redis.reportFailure(err);
      }
    }
    if (keys.length > 0) this.logger.log(`replayed ${keys.length - this.pending.size} deferred invalidations`);
  }
}
