import { randomUUID } from 'node:crypto';
import { PASSWORD } from '../../factories/user.factory.js';

/** The parts of an OpenAPI 3.0 document the fuzzer reads. */
export type Schema = Record<string, any>;
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}
export interface Operation {
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export interface Op {
  /** `POST /v1/auth/login`: the key of hints and of the coverage check. */
  key: string;
  method: Method;
  path: string;
  op: Operation;
  /** Bearer token kind the route needs, read from the description the `Route` decorator writes. */
  auth: 'public' | 'permission';
  documented: Set<number>;
}

const METHODS = new Set(['get', 'post', 'patch', 'put', 'delete']);

export function listOperations(doc: OpenApiDoc): Op[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]): Op => {
        const description = op.description ?? '';
        const auth = description.startsWith('Public.')
          ? 'public'
          : /Requires permission `[a-z]+:[a-z]+`/.test(description)
            ? 'permission'
            : undefined;
        const key = `${method.toUpperCase()} ${path}`;
        if (!auth) throw new Error(`${key}: cannot tell from its description whether it is public or needs a token`);
        return {
          key,
          method: method.toUpperCase() as Method,
          path,
          op,
          auth,
          documented: new Set(Object.keys(op.responses).map(Number)),
        };
      }),
  );
}

/**
 * Inlines `$ref`s and turns OpenAPI 3.0 quirks into JSON Schema that Ajv reads (boolean exclusive bounds).
 */
export function deref(schema: Schema, doc: OpenApiDoc, depth = 0): Schema {
  if (depth > 20) throw new Error('schema nesting too deep (a recursive $ref?)');
  if (Array.isArray(schema)) return schema.map((s) => deref(s, doc, depth + 1)) as never;
  if (!schema || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolvable $ref ${schema.$ref}`);
    return deref(target, doc, depth + 1);
  }
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) out[k] = typeof v === 'object' ? deref(v, doc, depth + 1) : v;
  for (const [bound, limit] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (out[bound] === true) out[bound] = out[limit];
    if (out[bound] === false) delete out[bound];
    if (typeof out[bound] === 'number') delete out[limit];
  }
  return out;
}

let seq = 0;
const unique = () => `${Date.now().toString(36)}${(seq++).toString(36)}${randomUUID().slice(0, 4)}`;
export const uniqueEmail = () => `fuzz.${unique()}@example.test`;
export const uniquePhone = () => `+2011${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/** Strings tried, in order, against a `pattern` the generator knows nothing else about. */
// A date a year ahead: valid for every ISO-date field that exists (lot expiry must lie in the future).
const nextYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
const PATTERN_CANDIDATES = [uniquePhone, () => '123456', () => 'fuzz', () => 'abc123', nextYear, () => '08:00'];

/**
 * A valid value for a (dereferenced) schema: defaults and first enum members, every optional property
 * but references (so mutations can reach them), unique contact fields (creation routes would otherwise collide), and
 * the strong test password for password fields. Throws on a schema it cannot satisfy, so a new route
 * with such a schema fails the build until it gets a hint.
 */
export function validValue(schema: Schema, where: string, name = ''): unknown {
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.oneOf || schema.anyOf) return validValue((schema.oneOf ?? schema.anyOf)[0], where, name);
  if (schema.allOf) return validValue(Object.assign({}, ...schema.allOf), where, name);
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set<string>(schema.required ?? []);
      for (const [k, s] of Object.entries<Schema>(schema.properties ?? {})) {
        // An optional reference (parentId, categoryId) would name nothing: leave it out (mutations still reach it).
        if (!required.has(k) && s.format === 'uuid') continue;
        out[k] = validValue(s, `${where}.${k}`, k);
      }
      return out;
    }
    case 'array': {
      const n = Math.max(schema.minItems ?? 0, 0);
      return Array.from({ length: n }, (_, i) => validValue(schema.items ?? {}, `${where}.${i}`, name));
    }
    case 'integer':
    case 'number': {
      const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? 1);
      const max = schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : (schema.maximum ?? min);
      return Math.min(Math.max(1, min), max);
    }
    case 'boolean':
      return true;
    case 'string':
      return validString(schema, where, name);
    default:
      throw new Error(`${where}: no generator for schema ${JSON.stringify(schema).slice(0, 200)}`);
  }
}

function validString(schema: Schema, where: string, name: string): string {
  if (schema.format === 'email') return uniqueEmail();
  if (schema.format === 'uuid') return randomUUID();
  if (schema.format === 'date-time') return new Date().toISOString();
  if (/password/i.test(name)) return PASSWORD;
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Infinity;
  const fits = (s: string) => s.length >= min && s.length <= max;
  if (schema.pattern) {
    const re = new RegExp(schema.pattern, 'u');
    for (const candidate of PATTERN_CANDIDATES) {
      const s = candidate();
      if (re.test(s) && fits(s)) return s;
    }
    throw new Error(`${where}: no known string matches /${schema.pattern}/; add a hint in test/fuzz/support/world.ts`);
  }
  return 'fuzz'.repeat(Math.ceil(Math.max(min, 4) / 4)).slice(0, Math.min(Math.max(min, 4), max));
}

/** One place a mutation can reach: a body field (dot path), a query or a path parameter. */
export interface Slot {
  in: 'body' | 'query' | 'path' | 'form';
  name: string;
  required: boolean;
  /** `uuid` for ids: the slots "ids of other users' objects" go into. */
  format?: string;
}

/** Body fields (two levels deep, array items included) a mutation can drop or replace. */
export function bodySlots(schema: Schema | undefined, prefix = '', depth = 0): Slot[] {
  if (!schema || depth > 2) return [];
  const required = new Set<string>(schema.required ?? []);
  const slots: Slot[] = [];
  for (const [k, s] of Object.entries<Schema>(schema.properties ?? {})) {
    const name = prefix ? `${prefix}.${k}` : k;
    slots.push({ in: 'body', name, required: required.has(k) });
    if (s.type === 'object') slots.push(...bodySlots(s, name, depth + 1));
    if (s.type === 'array') slots.push({ in: 'body', name: `${name}.0`, required: false });
  }
  return slots;
}
