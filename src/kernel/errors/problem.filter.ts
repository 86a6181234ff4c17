import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
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
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    sendProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
