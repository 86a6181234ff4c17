import { Catch, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { RouteIndex } from '../http/route-index.js';
import { AppError } from './app-error.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pickLocale } from './messages.js';
import { normalizeError, toProblem } from './problem.js';

/** Sends any error as RFC 9457 problem+json; internals are logged with the request id, never sent. */
export function sendProblem(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error, unexpected } = normalizeError(err);
  if (unexpected) request.log.error({ err }, 'unhandled error');
  else if (error.kind === 'unavailable')
    request.log.warn({ err: { message: (err as Error)?.message } }, 'dependency unavailable');
  const problem = toProblem(error, pickLocale(request.headers['accept-language']), {
    url: request.url,
    requestId: request.id,
  });
  if (error.details.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(error.details.retryAfterSeconds));
  if (error.kind === 'unavailable') reply.header('retry-after', '2');
  return reply.status(problem.status).type('application/problem+json; charset=utf-8').send(problem);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly routes: RouteIndex) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    // Nest answers an unmatched method+path with NotFoundException; a known path deserves 405 + Allow.
    if (exception instanceof NotFoundException && !request.routeOptions.url) {
      const allowed = this.routes.allowedMethods(request.url);
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        sendProblem(
          new AppError('method_not_allowed', 'common/method-not-allowed', 'This method is not allowed here'),
          request,
          reply,
        );
        return;
      }
    }
    sendProblem(exception, request, reply);
  }
}
