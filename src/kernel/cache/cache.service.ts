import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { CONFIG, type Config } from '../../config/index.js';
import { RedisService } from '../redis/redis.service.js';

const INVALIDATE_CHANNEL = 'cache:invalidate';
// Invalidations carry the publishing node: a node's own delete already acted here, and its late echo would
// mark loads that began after the delete stale, so their results would never be kept.
const SEP = '\n';
// Deletions that could not reach Redis; past this many, older ones are left to their TTL.
const MAX_PENDING = 100_000;
// A key's generation outlives any load that could have read it before a delete (loads are database reads
// bounded by the statement timeout); once it expires, the generation reads as 0 again.
const GENERATION_TTL_SECONDS = 3600;

// Write a loaded value only if no delete happened since the load read the generation (ARGV[3]).
const SET_IF_GENERATION = `
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;
// KEYS are (value, generation) pairs: each value goes and its generation moves, in one step.
const DELETE_AND_BUMP = `
for i = 1, #KEYS, 2 do
  redis.call('DEL', KEYS[i])
  redis.call('INCR', KEYS[i + 1])
  redis.call('EXPIRE', KEYS[i + 1], ARGV[1])
end
return 1`;

type Client = NonNullable<RedisService['client']>;
interface CacheCommands {
  medyourCacheSetIfGeneration(value: string, gen: string, json: string, ttl: number, seen: string): Promise<number>;
  medyourCacheDeleteAndBump(...args: (string | number)[]): Promise<number>;
}
/** A load in flight on this node; a delete of its key marks it stale, and a stale load is not kept. */
interface Load {
  stale: boolean;
}

/**
 * Two-level cache: in-process LRU (L1) and Redis (L2) with pub/sub invalidation of every node's L1.
 * When Redis is configured but down, reads skip both levels and go to the loader (the database), so a
 * node that may have missed an invalidation never serves stale data (a revoked session stays revoked).
 * A deletion made while Redis is down is kept and replayed when it is back: otherwise the value cached
 * in Redis before the outage (a session not yet revoked) would be served again once Redis returns.
 *
 * A delete wins over a load that started before it (the loader read the row before the change, so its
 * result is stale): in L1 the delete marks this node's loads of the key stale (also when the delete came
 * from another node by pub/sub); in Redis it bumps the key's generation in the same script that deletes
 * the value, and a load writes back only if the generation it read first is unchanged.
 */
@Injectable()
export class CacheService implements OnModuleInit {
  private readonly logger = new Logger('Cache');
  private readonly l1: LRUCache<string, { v: unknown }>;
  private readonly pending = new Set<string>();
  private readonly loads = new Map<string, Set<Load>>();
  private readonly nodeId = randomUUID();

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
      for (const set of this.loads.values()) for (const l of set) l.stale = true;
      void this.replayPending();
    });
    await this.redis.subscribe(INVALIDATE_CHANNEL, (message) => {
      const at = message.indexOf(SEP);
      if (at >= 0 && message.slice(0, at) === this.nodeId) return;
      this.forgetHere(at >= 0 ? message.slice(at + 1) : message);
    });
  }

  async getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    if (this.redis.configured && (!this.redis.healthy || this.pending.has(key))) return load();
    const hit = this.l1.get(key);
    if (hit) return hit.v as T;
    const inFlight: Load = { stale: false };
    const set = this.loads.get(key) ?? new Set<Load>();
    this.loads.set(key, set.add(inFlight));
    try {
      return await this.fill(key, Math.min(ttlSeconds * 1000, this.l1.ttl), ttlSeconds, load, inFlight);
    } finally {
      set.delete(inFlight);
      if (set.size === 0 && this.loads.get(key) === set) this.loads.delete(key);
    }
  }

  private async fill<T>(key: string, l1Ttl: number, ttlSeconds: number, load: () => Promise<T>, inFlight: Load) {
    const client = this.redis.client;
    let generation = '0';
    if (client) {
      try {
        // The value and the generation in one round trip: a write-back later compares against this.
        const [raw, gen] = await client.mget(this.valueKey(key), this.generationKey(key));
        generation = gen ?? '0';
        if (raw !== null) {
          const v = JSON.parse(raw) as T;
          if (!inFlight.stale) this.l1.set(key, { v }, { ttl: l1Ttl });
          return v;
        }
      } catch (err) {
        this.logger.debug(`L2 read failed for ${key}: ${(err as Error).message}`);
        this.redis.reportFailure(err);
        return load();
      }
    }
    const v = await load();
    const entry = { v };
    if (!inFlight.stale) this.l1.set(key, entry, { ttl: l1Ttl });
    // Redis decides for itself by the generation (a stale mark here may come from another node's delete
    // heard after this load began in Redis order, which the comparison tells apart).
    if (client && v !== undefined) {
      this.commands(client)
        .medyourCacheSetIfGeneration(
          this.valueKey(key),
          this.generationKey(key),
          JSON.stringify(v),
          ttlSeconds,
          generation,
        )
        .then((written) => {
          // Another node deleted the key meanwhile: its pub/sub message may still be on the way.
          if (written === 0 && this.l1.peek(key) === entry) this.l1.delete(key);
        })
        .catch((err: unknown) => this.redis.reportFailure(err));
    }
    return v;
  }

  /** Deletes a key everywhere: this node, Redis, and (via pub/sub) every other node's L1. */
  async del(...keys: string[]): Promise<void> {
    for (const k of keys) this.forgetHere(k);
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
    const pairs = keys.flatMap((k) => [this.valueKey(k), this.generationKey(k)]);
    await this.commands(this.redis.client!).medyourCacheDeleteAndBump(pairs.length, ...pairs, GENERATION_TTL_SECONDS);
    await Promise.all(keys.map((k) => this.redis.publish(INVALIDATE_CHANNEL, this.nodeId + SEP + k)));
  }

  private forgetHere(key: string): void {
    this.l1.delete(key);
    for (const l of this.loads.get(key) ?? []) l.stale = true;
  }

  private valueKey(key: string): string {
    return this.redis.prefix + 'c:' + key;
  }

  private generationKey(key: string): string {
    return this.redis.prefix + 'g:' + key;
  }

  /** The scripts as commands of the client: sent by SHA (EVALSHA), loaded once. */
  private commands(client: Client): CacheCommands {
    const c = client as unknown as Partial<CacheCommands>;
    if (typeof c.medyourCacheSetIfGeneration !== 'function') {
      client.defineCommand('medyourCacheSetIfGeneration', { numberOfKeys: 2, lua: SET_IF_GENERATION });
    }
    if (typeof c.medyourCacheDeleteAndBump !== 'function') {
      // The number of keys varies per call: ioredis then takes it as the first argument.
      client.defineCommand('medyourCacheDeleteAndBump', { lua: DELETE_AND_BUMP });
    }
    return client as unknown as CacheCommands;
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
