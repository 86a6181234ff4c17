import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import helmet from 'helmet';
import multipart from '@fastify/multipart';
import { projectResponses } from './response-serializer.js';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteConfigPart } from './openapi.js';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/index.js';
import { UUID_RE } from '../ids.js';
import { RouteIndex } from './route-index.js';

/** Marks a route that takes a text/csv body (with IMPORT_LIMIT_BYTES instead of the JSON body limit). */
export const AcceptsCsv = () => RouteConfigPart({ acceptsCsv: true });

/**
 * Marks a route that needs its JSON body as the bytes were sent (a webhook whose signature covers them): the
 * parser keeps the text as `request.rawBody` (read with @RawBody()) beside the parsed body. Re-serialising
 * the parsed body would not give the signed bytes back (key order, spacing, escapes).
 */
export const KeepsRawBody = () => RouteConfigPart({ keepsRawBody: true });

/** The raw JSON text of a @KeepsRawBody() route's request ('' without a body). */
export const RawBody = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<{ rawBody?: string }>().rawBody ?? '',
);

export interface ClosingState {
  value: boolean;
  done?: Promise<void>;
}

/** The HTTP edge: body parsing, request ids, security headers, CORS, uploads, the route index. */
export async function configureHttp(app: NestFastifyApplication, config: Config, closing: ClosingState): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const routes = app.get(RouteIndex);
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url ?? route.path));

  // Many clients send `Content-Type: application/json` with an empty body on bodiless POSTs (logout):
  // treat that as no body. Everything else goes through Fastify's parser, which refuses __proto__ and
  // constructor.prototype keys.
  const jsonParser = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if ((req.routeOptions.config as { keepsRawBody?: boolean } | undefined)?.keepsRawBody === true)
      (req as { rawBody?: string }).rawBody = body as string;
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    jsonParser(req, body as string, done);
  });
  // CSV uploads (the product import) with their own, larger limit, on the routes marked @AcceptsCsv() only
  // (checked before a byte is read): elsewhere a 50 MB Buffer would reach pipes written for JSON.
  fastify.addContentTypeParser('text/csv', async (req: FastifyRequest, payload: AsyncIterable<Buffer>) => {
    if ((req.routeOptions.config as { acceptsCsv?: boolean } | undefined)?.acceptsCsv !== true)
      throw Object.assign(new Error('Unsupported content type'), { statusCode: 415 });
    const tooLarge = () => Object.assign(new Error('Body too large'), { statusCode: 413 });
    if (Number(req.headers['content-length'] ?? 0) > config.http.importLimit) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      size += chunk.length;
      if (size > config.http.importLimit) throw tooLarge();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  });
  // Callback-style hooks: an async one costs each request a promise and a microtask turn.
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (closing.value) reply.header('connection', 'close');
    done(null, payload);
  });
  // A client-sent id is echoed only if it looks like one of ours; anything else gets a fresh id.
  fastify.addHook('onRequest', (req, reply, done) => {
    if (!UUID_RE.test(String(req.id))) (req as { id: string }).id = randomUUID();
    reply.header('x-request-id', req.id);
    done();
  });

  // Helmet's headers depend on nothing in the request: computed once, set on every answer (404s and
  // errors too). @fastify/helmet re-ran every helmet middleware per request, ~5% of a request's CPU.
  const headers = securityHeaders();
  fastify.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
  projectResponses(fastify);
  await app.register(multipart as never, {
    limits: { fileSize: config.http.uploadLimit, files: 1, fields: 5, fieldSize: 1024 },
  });
  app.enableCors({
    origin: config.http.corsOrigins.length > 0 ? [...config.http.corsOrigins] : false,
    credentials: false,
    maxAge: 600,
  });
}

/**
 * Fastify's `trustProxy` from TRUST_PROXY. A hop count becomes a function here because Fastify 5 treats
 * a bare number as "trust nothing" (a direct client could pose as the proxies by sending enough hops):
 * the count is only sound when the API is reachable through those proxies alone, which the README says.
 * `req.ip` is then the right-most address not written by a trusted hop, so a client can prepend what it
 * likes to X-Forwarded-For without choosing its address.
 */
export function trustProxyOption(
  setting: Config['http']['trustProxy'],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (setting === false) return false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return [...setting];
}

/** The headers helmet sets (Content-Security-Policy, HSTS, nosniff, frame and referrer policies...). */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
      },
    },
  })({} as never, res as never, () => undefined);
  return headers;
}
