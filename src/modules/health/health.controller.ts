import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DATABASE, type Database } from '../../db/client.js';
import { Public } from '../../kernel/auth/index.js';
import { RedisService } from '../../kernel/redis/index.js';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

/** Liveness (the process answers) and readiness (its dependencies answer). */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  private shuttingDown = false;

  constructor(
    @Inject(DATABASE) private readonly database: Database,
    private readonly redis: RedisService,
  ) {}

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  @Public()
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const database = await withTimeout(this.database.ping(), 1_500).then(
      () => 'up' as const,
      () => 'down' as const,
    );
    // Up means in use: while the client skips Redis after a failure, the node is degraded even if a PING
    // would already be answered (the client's own probe decides when to go back).
    const redis = !this.redis.configured
      ? ('not_configured' as const)
      : this.redis.healthy && (await withTimeout(this.redis.ping(), 1_000).catch(() => false))
        ? ('up' as const)
        : ('down' as const);
    const status = this.shuttingDown || database === 'down' ? 'down' : redis === 'down' ? 'degraded' : 'ok';
    // Degraded still serves (Redis is an optimisation), so the load balancer keeps the node.
    if (status === 'down') reply.status(503);
    return {
      status,
      mode: this.database.kind === 'pglite' ? 'embedded' : 'production',
      checks: { database, redis },
      shuttingDown: this.shuttingDown,
    };
  }
}
