import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import type { Config } from '../../config/index.js';

/**
 * The OpenAPI document, written for generators (openapi-typescript, openapi-generator) and linters
 * (`npm run lint:api`, Redocly's recommended rules) as much as for people.
 */
export function createOpenApiDocument(app: INestApplication, config: Config): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Medyour API')
      .setDescription(
        'E-pharmacy and telemedicine backend. Errors are application/problem+json (RFC 9457). ' +
          'Realtime events: Socket.IO at path `/realtime`, the access token in the handshake `auth: { token }`; ' +
          'events `order.updated`, `appointment.updated`, `notification.created`, `consultation.message`.',
      )
      .setVersion('1')
      .setLicense('MIT', 'https://opensource.org/license/mit')
      .setContact('Medyour API', 'https://github.com/medyour', 'api@medyour.local')
      .addServer(config.http.publicUrl)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
    // The method name alone: an operation keeps its id when its route moves to another controller.
    { standardSchemaConverter: zodToOpenApi, operationIdFactory: (_controller, method) => method },
  );
  nameOperations(document);
  return document;
}

/** Method names that say the verb but not the object: the path supplies the noun. */
const GENERIC = new Set(['list', 'get', 'create', 'update', 'delete']);

/**
 * Every operationId reads as a method name of a generated client: `listBranches`, `getBranch`, `login`.
 * A generic method (`list`, `get`, ...) takes its noun from the path; the public operation keeps the
 * plain name and a staff one that would repeat it is prefixed `admin` (`adminListOffers`).
 */
function nameOperations(document: OpenAPIObject): void {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.values(item as Record<string, { operationId?: string }>)
      .filter((op) => typeof op === 'object' && op !== null && 'responses' in op)
      .map((op) => ({ path, op })),
  );
  const isAdmin = (path: string) => path.startsWith('/v1/admin/');
  operations.sort((a, b) => Number(isAdmin(a.path)) - Number(isAdmin(b.path)));
  const taken = new Set<string>();
  for (const { path, op } of operations) {
    let id = op.operationId ?? '';
    if (GENERIC.has(id)) id = id + noun(path, id === 'list');
    if (taken.has(id) && isAdmin(path)) id = `admin${id[0].toUpperCase()}${id.slice(1)}`;
    if (taken.has(id)) throw new Error(`Two operations are named ${id} (${path}): give one an operationId in @Route`);
    taken.add(id);
    op.operationId = id;
  }
}

/** `/v1/admin/users/{id}` → `User`; `/v1/branches` → `Branches` (plural for lists). */
function noun(path: string, plural: boolean): string {
  const word = path
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .at(-1)!;
  const pascal = word.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  if (plural) return pascal;
  if (pascal.endsWith('ies')) return `${pascal.slice(0, -3)}y`;
  if (/(ches|shes|sses|xes)$/.test(pascal)) return pascal.slice(0, -2);
  return pascal.endsWith('s') ? pascal.slice(0, -1) : pascal;
}

type Json = Record<string, unknown>;
const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * zod → OpenAPI 3.0 JSON Schema, as @nestjs/swagger would convert it, with two corrections:
 * - A query or path value parsed from text into a number or a boolean (`z.string().regex(…).transform(
 *   Number).pipe(z.number()…)`, `flagQuery`) is documented as the number or boolean it stands for: generated clients then take `lat: number`
 *   and send its text. (JSON bodies carry real numbers and never use such a pipe.)
 * - A nullable enum lists null among its values (OpenAPI 3.0.3: `enum` is checked before `nullable`, so
 *   validators refuse null otherwise).
 * - zod writes `.int()` as ±2^53 bounds; those say nothing about the value and make generators pick
 *   int64/BigInt, so only bounds the schema really sets are kept.
 */
export function zodToOpenApi(
  schema: unknown,
  { schemaType }: { schemaType: 'input' | 'output' },
): { schema: unknown; components?: Record<string, unknown> } | undefined {
  if (!(schema instanceof z.ZodType)) return undefined;
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: schemaType,
    override: ({ zodSchema, jsonSchema }) => {
      if (schemaType === 'input') valueFromText(zodSchema as unknown as z.ZodType, jsonSchema as Json);
      dropSafeIntegerBounds(jsonSchema as Json);
      nullInNullableEnum(jsonSchema as Json);
    },
  }) as Json;
  const { definitions, $defs, $schema: _s, ...rest } = json;
  return { schema: rest, components: (definitions ?? $defs) as Record<string, unknown> | undefined };
}

function valueFromText(zodSchema: z.ZodType, jsonSchema: Json): void {
  const def = zodSchema._zod.def as { type: string; in?: z.ZodType; out?: z.ZodType };
  if (def.type !== 'pipe' || !def.in || !def.out) return;
  if (z.toJSONSchema(def.in, { io: 'input', unrepresentable: 'any' }).type !== 'string') return;
  const out = z.toJSONSchema(def.out, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) as Json;
  if (out.type !== 'number' && out.type !== 'integer' && out.type !== 'boolean') return;
  for (const key of ['pattern', 'format', 'minLength', 'maxLength', 'enum']) delete jsonSchema[key];
  for (const key of ['type', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'])
    if (out[key] !== undefined) jsonSchema[key] = out[key];
}

function nullInNullableEnum(jsonSchema: Json): void {
  const values = jsonSchema.enum;
  if (jsonSchema.nullable === true && Array.isArray(values) && !values.includes(null))
    jsonSchema.enum = [...values, null];
}

function dropSafeIntegerBounds(jsonSchema: Json): void {
  if (jsonSchema.type !== 'integer') return;
  if (jsonSchema.minimum === -SAFE) delete jsonSchema.minimum;
  if (jsonSchema.maximum === SAFE) delete jsonSchema.maximum;
}
