import {
  applyDecorators,
  Inject,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { CONFIG, type Config } from '../../config/index.js';
import type { AuthedRequest } from '../auth/index.js';
import { CLOCK, type Clock } from '../clock.js';
import { AppError } from '../errors/index.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { perHandler } from '../per-handler.js';

const IDEMPOTENT = 'http:idempotent';
const KEY_RE = /^[A-Za-z0-9_\-:.]{8,128}$/;

/**
 * The route accepts `Idempotency-Key`: a replay answers the first response; another body with the key, 409.
 * The header is in the document too, so generated clients can send it as a typed parameter.
 */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    // Only where a key is taken: a global interceptor cost every read its Observables.
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'A replay with the same key answers the first response (header `Idempotent-Replayed: true`); the same key with another body answers 409 `common/idempotency-key-reused`.',
      schema: { type: 'string', pattern: KEY_RE.source },
    }),
  );

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly keyTtlMs: number;
  private readonly claimTimeoutMs: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly repo: IdempotencyRepository,
    @Inject(CONFIG) config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.keyTtlMs = config.http.idempotency.keyTtlHours * 3_600_000;
    this.claimTimeoutMs = config.http.idempotency.claimTimeoutSeconds * 1000;
  }

  /** Whether a route takes an Idempotency-Key. */
  private readonly isIdempotent = perHandler(
    (context) => this.reflector.get<boolean>(IDEMPOTENT, context.getHandler()) === true,
  );

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.isIdempotent(context)) return next.handle();
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY_RE.test(key)) {
      throw AppError.validation([
        { field: 'Idempotency-Key', code: 'invalid_format', message: 'must be 8-128 characters of [A-Za-z0-9_-:.]' },
      ]);
    }
    return from(this.run(context, next, request, key));
  }

  private async run(
    context: ExecutionContext,
    next: CallHandler,
    request: AuthedRequest,
    key: string,
  ): Promise<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const scope = `${request.actor?.userId ?? 'anon'}:${request.method}:${request.routeOptions.url}`;
    const hash = createHash('sha256')
      .update(stableStringify({ params: request.params, body: request.body ?? null }))
      .digest('hex');
    const now = this.clock.now();
    const claim = await this.repo.claim(scope, key, hash, {
      now,
      expiredBefore: new Date(now.getTime() - this.keyTtlMs),
      staleBefore: new Date(now.getTime() - this.claimTimeoutMs),
    });
    if (!claim.owned) {
      // Gone between the claim and the read (freed by a failed attempt, or pruned): the client may retry.
      const stored = claim.stored ?? { requestHash: hash, statusCode: null, responseBody: null };
      if (stored.requestHash !== hash) {
        throw AppError.conflict(
          'common/idempotency-key-reused',
          'This Idempotency-Key was used with a different request',
        );
      }
      if (stored.statusCode === null) {
        throw AppError.conflict('common/idempotency-in-progress', 'A request with this Idempotency-Key is in progress');
      }
      reply.status(stored.statusCode).header('idempotent-replayed', 'true');
      return stored.responseBody;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      // Nest applies the route's status after interceptors, so take it from the route's metadata.
      const status =
        this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? (request.method === 'POST' ? 201 : 200);
      await this.repo.complete(scope, key, claim.claimId, status, body);
      return body;
    } catch (err) {
      // A failed attempt leaves the key free, so the client may retry it.
      await this.repo.release(scope, key, claim.claimId).catch(() => undefined);
      throw err;
    }
  }
}
