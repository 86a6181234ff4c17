import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from './access-token-verifier.js';
import { can, type UserActor } from './actor.js';
import { IS_PUBLIC, REQUIRED_PERMISSION } from './decorators.js';
import { SECURITY_EVENTS, type SecurityEvents } from './security-events.js';
import type { Permission } from './permissions.js';
import { perHandler } from '../per-handler.js';

export type AuthedRequest = FastifyRequest & { actor?: UserActor };

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

/** Global default-deny: a route passes only if it is @Public() or the actor holds its @Can() permission. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ACCESS_TOKEN_VERIFIER) private readonly verifier: AccessTokenVerifier,
    @Optional() @Inject(SECURITY_EVENTS) private readonly events?: SecurityEvents,
  ) {}

  /** Whether a route is public, and the permission it requires. */
  private readonly declared = perHandler((context) => {
    const targets = [context.getHandler(), context.getClass()];
    return {
      isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
      permission: this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets),
    };
  });

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const { isPublic, permission } = this.declared(context);
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (isPublic) {
      // A public route still knows who calls it when a valid token comes along (rate limits per user).
      if (token) request.actor = await this.verifier.verify(token).catch(() => undefined);
      return true;
    }
    if (!permission) throw AppError.forbidden('auth/route-not-declared', 'This route declares no permission');
    if (!token) throw AppError.unauthenticated();
    const actor = await this.verifier.verify(token);
    request.actor = actor;
    if (!can(actor, permission)) {
      await this.events?.forbidden(actor, permission, request);
      throw AppError.forbidden();
    }
    return true;
  }
}
