import { applyDecorators, HttpCode } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import { ApiBearerAuth, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
    retryAfterSeconds: z.number().int().optional(),
  })
  .meta({ id: 'Problem' });

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (problem+json with errors[])',
  401: 'Missing, invalid or revoked access token',
  403: 'The actor lacks the permission',
  404: 'Not found (also for objects that are not yours)',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Unsupported content type',
  423: 'Temporarily locked after repeated failures',
  429: 'Rate limited (Retry-After)',
};

/** The key of a route's response schema in its Fastify route config. */
export const RESPONSE_SCHEMA = 'medyourResponseSchema';

/**
 * Adds to a handler's Fastify route config instead of replacing it (Nest's RouteConfig is one SetMetadata, so
 * a second one, @AcceptsCsv over @Route, dropped the response schema and its answers left unprojected).
 */
export function RouteConfigPart(part: Record<string, unknown>): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const prior = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined;
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...prior, ...part }, handler);
    return descriptor;
  };
}

interface RouteDoc {
  summary: string;
  /** Success status and response schema (also used to cut the response down to its schema). */
  status?: number;
  response?: z.ZodType;
  /** Public routes say so; others document their permission and the 401/403 they can answer. */
  auth: 'public' | { permission: string };
  errors?: number[];
  description?: string;
  /** When the method name does not read well as a client method (the default is the method name, see openapi-document.ts). */
  operationId?: string;
  /** A success body of raw bytes (a download) in one of these media types, instead of a JSON `response`. */
  binary?: readonly string[];
}

/** One decorator per route: summary, auth, success schema (documented and enforced), and error statuses. */
export function Route(doc: RouteDoc) {
  const status = doc.status ?? 200;
  const errors = new Set([400, 429, ...(doc.errors ?? [])]);
  const authNote = doc.auth === 'public' ? 'Public.' : `Requires permission \`${doc.auth.permission}\`.`;
  if (doc.auth !== 'public') {
    errors.add(401);
    errors.add(403);
  }
  const decorators = [
    ApiOperation({
      summary: doc.summary,
      description: [authNote, doc.description].filter(Boolean).join(' '),
      ...(doc.operationId ? { operationId: doc.operationId } : {}),
      // Public operations say so: without `security: []` they inherit no requirement, which generators
      // and Swagger UI read as "unspecified" rather than "no token needed".
      ...(doc.auth === 'public' ? { security: [] } : {}),
    }),
    HttpCode(status),
    ...[...errors]
      .sort()
      .map((s) => ApiResponse({ status: s, description: DESCRIPTIONS[s] ?? 'Error', standardSchema: problemSchema })),
  ];
  if (doc.auth !== 'public') decorators.push(ApiBearerAuth());
  if (doc.response) {
    decorators.push(ApiResponse({ status, description: 'Success', standardSchema: doc.response }));
    // The answer is cut to this schema by the preSerialization hook (response-serializer.ts), through the
    // Fastify route's config: no Nest interceptor (and its Observables) runs for it.
    decorators.push(RouteConfigPart({ [RESPONSE_SCHEMA]: doc.response }));
  } else if (doc.binary) {
    const bytes = { schema: { type: 'string', format: 'binary' } } as const;
    const content = Object.fromEntries(doc.binary.map((type) => [type, bytes]));
    decorators.push(ApiResponse({ status, description: 'Success: the bytes', content }));
  } else {
    decorators.push(ApiResponse({ status, description: 'Success, no body' }));
  }
  return applyDecorators(...decorators);
}
