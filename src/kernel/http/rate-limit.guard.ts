import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { CONFIG, type Config } from '../../config/index.js';
import type { AuthedRequest } from '../auth/index.js';
import { AppError } from '../errors/index.js';
import { RateLimiterService } from './rate-limiter.service.js';
import { perHandler } from '../per-handler.js';

export interface CredentialLimit {
  /** Body field naming the account (email, phone or identifier); limited per account as well as per IP. */
  accountField: string;
  /**
   * Count the account bucket per account AND client address. A bucket per account alone is one anybody can
   * empty for the owner (login: the identity module keeps its own per-identifier backstop, which slows
   * rather than locks).
   */
  perAddress?: boolean;
}
const RATE_LIMIT = 'http:rate-limit';

/** Strict limits for routes that guess secrets (login, OTP, password reset). */
export const CredentialRateLimit = (accountField: string, opts: { perAddress?: boolean } = {}) =>
  SetMetadata(RATE_LIMIT, { accountField, ...opts } satisfies CredentialLimit);

const hashKey = (value: string) =>
  createHash('sha256').update(value.trim().toLowerCase()).digest('base64url').slice(0, 22);

/** Runs after the auth guard, so a signed-in caller is limited per user and everyone else per IP. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiterService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** A route's credential limit, if it has one. */
  private readonly credentialLimitOf = perHandler((context) =>
    this.reflector.get<CredentialLimit | undefined>(RATE_LIMIT, context.getHandler()),
  );

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const credential = this.credentialLimitOf(context);
    const { rateLimit } = this.config;
    if (credential) {
      const route = request.routeOptions.url ?? request.url;
      await this.check(`cred-ip:${route}:${request.ip}`, rateLimit.loginPerIp, reply, true);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const account = body[credential.accountField];
      if (typeof account === 'string' && account.length > 0 && account.length <= 320) {
        const scope = credential.perAddress ? `${hashKey(account)}:${request.ip}` : hashKey(account);
        await this.check(`cred-acct:${route}:${scope}`, rateLimit.loginPerAccount, reply, true);
      }
      return true;
    }
    const who = request.actor ? `u:${request.actor.userId}` : `ip:${request.ip}`;
    await this.check(`gen:${who}`, rateLimit.default, reply);
    return true;
  }

  private async check(
    key: string,
    policy: { limit: number; windowSeconds: number },
    reply: FastifyReply,
    /** Secret-guessing routes: every hit counted in Redis before the answer (see RateLimiterService). */
    exact = false,
  ): Promise<void> {
    const decision = await this.limiter.hit(key, policy.limit, policy.windowSeconds, { exact });
    reply.header('ratelimit-limit', String(policy.limit));
    reply.header('ratelimit-remaining', String(decision.remaining));
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'common/rate-limited', 'Too many requests', {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
  }
}
