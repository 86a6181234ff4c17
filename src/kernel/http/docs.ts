import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Config } from '../../config/index.js';
import { ACCESS_TOKEN_VERIFIER, bearerToken, type AccessTokenVerifier } from '../auth/index.js';
import { AppError, sendProblem } from '../errors/index.js';
import { createOpenApiDocument } from './openapi-document.js';

/**
 * OpenAPI at /docs-json and /docs. In production the docs need a staff access token (the route map is
 * reconnaissance material); elsewhere they are open.
 */
export function setupDocs(app: NestFastifyApplication, config: Config): void {
  // Built on the first request for it, not at boot: converting every route's schemas costs a warm start
  // a few hundred milliseconds that most processes never need back.
  const document = () => {
    const built = createOpenApiDocument(app, config);
    labelProblems(built);
    return built;
  };
  if (config.production) {
    const verifier = app.get<AccessTokenVerifier>(ACCESS_TOKEN_VERIFIER);
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', async (req, reply) => {
        // Decided on the route the router matched, never the raw URL: the router decodes percent-escapes
        // (`/%64ocs-json` is `/docs-json`), so a pattern over req.url can be spelled around.
        if (!isDocsRoute(req.routeOptions.url)) return;
        const token = bearerToken(req.headers.authorization);
        const actor = token ? await verifier.verify(token).catch(() => undefined) : undefined;
        if (!actor || actor.accountType !== 'staff') {
          return sendProblem(
            AppError.unauthenticated('auth/docs-require-staff', 'The API docs need a staff token'),
            req,
            reply,
          );
        }
      });
  }
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** The routes SwaggerModule registers under /docs and /docs-json (UI, assets, the JSON and YAML documents). */
function isDocsRoute(routeUrl: string | undefined): boolean {
  return routeUrl !== undefined && /^\/docs(?:[/-]|$)/.test(routeUrl);
}

type ResponseObject = { content?: Record<string, { schema?: unknown }> };

/** Error answers are sent as application/problem+json (RFC 9457): say so in the document too. */
function labelProblems(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as { responses?: Record<string, ResponseObject> }[]) {
      for (const [status, response] of Object.entries(op?.responses ?? {})) {
        const content = response.content;
        if (Number(status) < 400 || !content) continue;
        const schema = content['application/json']?.schema ?? content['application/octet-stream']?.schema;
        if (schema) response.content = { 'application/problem+json': { schema } };
      }
    }
  }
}
