import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who is calling from where: for audit rows and security events. */
export interface RequestMeta {
  ip: string;
  requestId: string;
  userAgent: string | undefined;
}

export const ReqMeta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const ua = req.headers['user-agent'];
  return { ip: req.ip, requestId: String(req.id), userAgent: typeof ua === 'string' ? ua.slice(0, 256) : undefined };
});

export const NO_META: RequestMeta = { ip: 'internal', requestId: 'internal', userAgent: undefined };
