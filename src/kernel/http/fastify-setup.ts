import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Config } from '../../config/index.js';
import { newId, UUID_RE } from '../ids.js';
import { RouteIndex } from './route-index.js';

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
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    jsonParser(req, body as string, done);
  });
  fastify.addHook('onSend', async (_req, reply) => {
    if (closing.value) reply.header('connection', 'close');
  });
  // A client-sent id is echoed only if it looks like one of ours; anything else gets a fresh id.
  fastify.addHook('onRequest', async (req, reply) => {
    if (!UUID_RE.test(String(req.id))) (req as { id: string }).id = newId();
    reply.header('x-request-id', req.id);
  });

  await app.register(helmet as never, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
      },
    },
  });
  await app.register(multipart as never, {
    limits: { fileSize: config.http.uploadLimit, files: 1, fields: 5, fieldSize: 1024 },
  });
  app.enableCors({
    origin: config.http.corsOrigins.length > 0 ? [...config.http.corsOrigins] : false,
    credentials: false,
    maxAge: 600,
  });
}
