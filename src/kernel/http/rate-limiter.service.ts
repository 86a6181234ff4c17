import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { RedisService } from '../redis/redis.service.js';

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

// INCR and set the window's expiry atomically; returns count and the window's remaining ms.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

/**
 * Fixed-window counters, shared across nodes through Redis; when Redis is absent or down, counted in
 * process (a per-node limit is looser but never unlimited).
 */
@Injectable()
export class RateLimiterService implements OnModuleDestroy {
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  constructor(private readonly redis: RedisService) {}

  /** The script as a command of the client: sent by its SHA (EVALSHA), loaded once, not with every request. */
  private hitCommand(
    client: NonNullable<RedisService['client']>,
  ): (key: string, windowMs: number) => Promise<[number, number]> {
    const commands = client as unknown as Record<string, unknown>;
    if (typeof commands.medyourRateHit !== 'function')
      client.defineCommand('medyourRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    const command = commands.medyourRateHit as (key: string, windowMs: number) => Promise<[number, number]>;
    return command.bind(client);
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    const windowMs = windowSeconds * 1000;
    const client = this.redis.client;
    if (client && this.redis.healthy) {
      try {
        const [count, ttl] = await this.hitCommand(client)(this.redis.prefix + 'rl:' + key, windowMs);
        return decide(count, limit, ttl);
      } catch (err) {
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

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, v] of this.local) if (v.resetAt <= now) this.local.delete(k);
  }
}

function decide(count: number, limit: number, ttlMs: number): RateDecision {
  return {
    allowed: count <= limit,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
  };
}
