import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { RedisService } from '../redis/redis.service.js';

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

// INCRBY and set the window's expiry atomically; returns count and the window's remaining ms.
const HIT_SCRIPT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

/** How often a node sends the hits it counted ahead (batched mode) to Redis. */
export const FLUSH_MS = 50;
/** Batched counting applies to limits at least this high, and only up to this share of the limit. */
const BATCH_MIN_LIMIT = 100;
const BATCH_SHARE = 0.5;

interface Shared {
  /** The window's count in Redis as last seen (every node's hits), and when the window ends. */
  known: number;
  resetAt: number;
  /** Hits counted here and not yet sent. */
  pending: number;
  /** Hits sent and not yet answered (not in `known` yet, counted ahead all the same). */
  inflight: number;
  /** Whether Redis has answered for this window yet: until then nothing is counted ahead. */
  learned: boolean;
  windowMs: number;
}

/**
 * Fixed-window counters, shared across nodes through Redis; when Redis is absent or down, counted in
 * process (a per-node limit is looser but never unlimited).
 *
 * `exact` (credential limits: login, codes) sends every hit to Redis before answering. Otherwise a hit is
 * counted here while the window's known count plus this node's unsent hits stays under half the limit,
 * and the node sends its unsent hits in one pipeline every FLUSH_MS; past half, every hit goes to Redis
 * with the unsent ones, as in exact mode. A key's first hit in a window on a node always asks Redis, so a
 * node counts ahead only from the window's count as Redis last told it. The refusal point stays exact on
 * one node; across nodes it can be passed only by what other nodes counted and had not yet sent (at most
 * FLUSH_MS of their hits) when this node last heard from Redis. A Redis round trip per request was a
 * tenth of a catalog read's CPU (issue 15); limits under BATCH_MIN_LIMIT are always exact.
 */
@Injectable()
export class RateLimiterService implements OnModuleDestroy {
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private readonly shared = new Map<string, Shared>();
  /** Keys with unsent hits, and their state then (a newer window's state is a new object). */
  private dirty = new Map<string, Shared>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly redis: RedisService) {}

  /** The script as a command of the client: sent by its SHA (EVALSHA), loaded once, not with every request. */
  private hitCommand(
    client: NonNullable<RedisService['client']>,
  ): (key: string, windowMs: number, by: number) => Promise<[number, number]> {
    const commands = client as unknown as Record<string, unknown>;
    if (typeof commands.medyourRateHit !== 'function')
      client.defineCommand('medyourRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    const command = commands.medyourRateHit as (key: string, windowMs: number, by: number) => Promise<[number, number]>;
    return command.bind(client);
  }

  async hit(key: string, limit: number, windowSeconds: number, opts: { exact?: boolean } = {}): Promise<RateDecision> {
    const windowMs = windowSeconds * 1000;
    const client = this.redis.client;
    if (client && this.redis.healthy) {
      const now = Date.now();
      let state = this.shared.get(key);
      if (!state || state.resetAt <= now) {
        state = { known: 0, pending: 0, inflight: 0, learned: false, resetAt: now + windowMs, windowMs };
        this.shared.set(key, state);
      }
      const ahead = state.known + state.pending + state.inflight + 1;
      // A key's first hit in a window asks Redis (what other nodes counted); later ones may count ahead.
      if (!opts.exact && state.learned && limit >= BATCH_MIN_LIMIT && ahead <= limit * BATCH_SHARE) {
        state.pending++;
        this.dirty.set(key, state);
        this.scheduleFlush();
        return decide(ahead, limit, state.resetAt - now);
      }
      const by = state.pending + 1;
      state.pending = 0;
      // Until Redis answers, these hits are in no count here: without this, a burst that arrived at once was
      // counted ahead from the same stale `known` again after every hit sent (982 of 1,000 admitted, limit 100).
      state.inflight += by;
      try {
        const [count, ttl] = await this.hitCommand(client)(this.redis.prefix + 'rl:' + key, windowMs, by);
        state.inflight -= by;
        this.learn(state, count, ttl);
        return decide(count, limit, ttl);
      } catch (err) {
        state.inflight -= by;
        state.known += by;
        // Skip Redis for a while (a hung Redis would cost every request the command timeout), and count here.
        this.redis.reportFailure(err);
      }
    }
    const now = Date.now();
    let entry = this.local.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + windowMs };
      this.local.set(key, entry);
    }
    entry.count++;
    return decide(entry.count, limit, entry.resetAt - now);
  }

  /** Sends every unsent hit now (also what the flush timer runs). */
  async flush(): Promise<void> {
    this.flushTimer = undefined;
    const client = this.redis.client;
    const batch = [...this.dirty];
    this.dirty = new Map();
    if (!client || !this.redis.healthy) {
      for (const [, state] of batch) [state.known, state.pending] = [state.known + state.pending, 0];
      return;
    }
    const hit = this.hitCommand(client);
    await Promise.all(
      batch.map(async ([key, state]) => {
        const by = state.pending;
        if (by === 0) return; // sent meanwhile with an exact hit
        state.pending = 0;
        state.inflight += by;
        try {
          const [count, ttl] = await hit(this.redis.prefix + 'rl:' + key, state.windowMs, by);
          state.inflight -= by;
          this.learn(state, count, ttl);
        } catch (err) {
          state.inflight -= by;
          state.known += by; // still counted here for the rest of the window
          this.redis.reportFailure(err);
        }
      }),
    );
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  private scheduleFlush(): void {
    // ioredis pipelines the commands issued in one tick into one write.
    this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  /**
   * Answers on one connection come in order, so the latest answer holds the window's highest count. (A
   * state replaced by a newer window meanwhile is no longer in the map: updating it changes nothing.)
   */
  private learn(state: Shared, count: number, ttlMs: number): void {
    state.learned = true;
    state.known = count;
    state.resetAt = Date.now() + ttlMs;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, v] of this.local) if (v.resetAt <= now) this.local.delete(k);
    for (const [k, v] of this.shared)
      if (v.resetAt <= now && v.pending === 0 && v.inflight === 0) this.shared.delete(k);
  }
}

function decide(count: number, limit: number, ttlMs: number): RateDecision {
  return {
    allowed: count <= limit,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
  };
}
