import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RESPONSE_SCHEMA } from './openapi.js';

type Project = (value: unknown) => unknown;
type Json = Record<string, unknown>;

/** A response that does not fit its schema is a programming error: 500, as a failed parse was. */
export class ResponseShapeError extends Error {
  /** Where, as the error went up through the projections: `items[3].nameEn`. */
  path = '';
  constructor(readonly what: string) {
    super(`response does not match its schema: ${what}`);
  }

  /** Called by each enclosing object or array on the way out. */
  within(step: string): this {
    this.path = this.path ? (this.path.startsWith('[') ? step + this.path : `${step}.${this.path}`) : step;
    this.message = `response does not match its schema at ${this.path}: ${this.what}`;
    return this;
  }
}

/**
 * A route's response schema (zod, from @Route) compiled once into a projection: a copy of the answer that
 * holds only the properties the schema declares (an unknown field never leaves), each checked to be of its
 * declared JSON type, a missing required one refused; Fastify's JSON.stringify then writes it.
 *
 * Measured on Node 20 (a catalog page of 20 products, a page of 20 branches), projection and stringify:
 * 24 / 54 µs; zod's parse and stringify 28 / 70 µs; fast-json-stringify 43 / 68 µs (its string building in
 * JavaScript is slower than the native writer before V8 13.8).
 */
export function compileResponseProjection(schema: z.ZodType): (value: unknown) => unknown {
  const root = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) as Json;
  return new Projections(root).of(root);
}

const projections = new WeakMap<z.ZodType, (value: unknown) => unknown>();

/**
 * Cuts every successful answer of a route with a response schema to it, before Fastify serialises it: a
 * preSerialization hook (objects only; not for errors, which are our own problem documents, nor for
 * streams and strings). Compiled on a route's first answer.
 */
export function projectResponses(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (request, reply, payload, done) => {
    const schema = (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[RESPONSE_SCHEMA];
    if (!(schema instanceof z.ZodType) || reply.statusCode >= 300) return done(null, payload);
    let project = projections.get(schema);
    if (!project) projections.set(schema, (project = compileResponseProjection(schema)));
    try {
      done(null, project(payload));
    } catch (err) {
      done(err as Error);
    }
  });
}

const identity: Project = (value) => value;
/** The JSON types a scalar is checked for, as code: inlined in generated objects, compiled for the rest. */
const TYPE_TEST: Record<string, string> = {
  string: `typeof x === 'string'`,
  number: `typeof x === 'number'`,
  integer: `typeof x === 'number'`,
  boolean: `typeof x === 'boolean'`,
};
const PRIMITIVE: Record<string, (v: unknown) => boolean> = Object.fromEntries(
  Object.entries(TYPE_TEST).map(([type, test]) => [
    type,
    new Function('x', `return ${test}`) as (v: unknown) => boolean,
  ]),
);

class Projections {
  private readonly refs = new Map<string, Project>();
  constructor(private readonly root: Json) {}

  of(node: Json): Project {
    const inner = this.shape(node);
    return node.nullable === true ? (v) => (v === null ? null : inner(v)) : inner;
  }

  private shape(node: Json): Project {
    if (typeof node.$ref === 'string') return this.ref(node.$ref);
    const union = (node.anyOf ?? node.oneOf) as Json[] | undefined;
    if (union) return this.union(union);
    if (Array.isArray(node.allOf)) {
      // A registered schema made nullable or optional is `allOf: [{ $ref }]`: its properties are the ref's.
      const parts = node.allOf as Json[];
      if (parts.length === 1) return typeof parts[0].$ref === 'string' ? this.ref(parts[0].$ref) : this.of(parts[0]);
      return this.of(mergeAll(parts.map((p) => (typeof p.$ref === 'string' ? this.resolve(p.$ref) : p))));
    }
    // An enum or a literal: one of its values, nothing else (a union's branch is chosen by them too).
    const allowed = Array.isArray(node.enum) ? new Set(node.enum) : 'const' in node ? new Set([node.const]) : undefined;
    if (allowed) return (v) => (allowed.has(v) ? v : fail(`not one of ${JSON.stringify([...allowed])}`));
    const type = node.type;
    if (type === 'object') return this.object(node);
    if (type === 'array') return this.array(node);
    if (typeof type === 'string' && PRIMITIVE[type]) {
      const is = PRIMITIVE[type];
      return (v) => (is(v) ? v : fail(`expected ${type}, got ${v === null ? 'null' : typeof v}`));
    }
    if (type === 'null') return (v) => (v === null ? v : fail('expected null'));
    return identity; // {}: any value (z.unknown())
  }

  private ref(ref: string): Project {
    let project = this.refs.get(ref);
    if (!project) {
      // Lazily, so that a schema may refer to itself.
      let compiled: Project | undefined;
      project = (v) => (compiled ??= this.of(this.resolve(ref)))(v);
      this.refs.set(ref, project);
    }
    return project;
  }

  private resolve(ref: string): Json {
    const parts = ref.replace(/^#\//, '').split('/');
    let node: unknown = this.root;
    for (const part of parts) node = (node as Json | undefined)?.[part];
    if (!node || typeof node !== 'object') throw new Error(`response schema: unresolved ${ref}`);
    return node as Json;
  }

  /**
   * An object as generated code, one statement per declared property (a loop over them cost more than the
   * copy): primitives checked inline, the rest through their projection.
   */
  private object(node: Json): Project {
    const required = new Set((node.required as string[] | undefined) ?? []);
    const props = Object.entries((node.properties as Record<string, Json> | undefined) ?? {});
    const extra = node.additionalProperties;
    const rest = extra && typeof extra === 'object' ? this.of(extra as Json) : extra === true ? identity : undefined;
    const nested: Project[] = [];
    const lines = props.map(([key, schema]) => {
      const k = JSON.stringify(key);
      const check = inlineCheck(schema);
      let assign: string;
      if (check) assign = `if (!(${check})) fail(${JSON.stringify(`expected ${String(schema.type)}`)}); o[${k}] = x;`;
      else {
        nested.push(this.of(schema));
        assign = `o[${k}] = p[${nested.length - 1}](x);`;
      }
      const absent = required.has(key) ? `fail('required');` : '';
      return `k = ${k}; x = v[${k}]; if (x === undefined) { ${absent} } else { ${assign} }`;
    });
    const body = `return function project(v) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('expected an object');
      const o = {};
      let k, x;
      try {
        ${lines.join('\n')}
        ${rest && props.length === 0 ? `for (k of Object.keys(v)) { x = v[k]; if (x !== undefined) o[k] = rest(x); }` : ''}
      } catch (err) {
        if (err instanceof ResponseShapeError) throw err.within(k);
        throw err;
      }
      return o;
    }`;
    return new Function('p', 'rest', 'fail', 'ResponseShapeError', body)(
      nested,
      rest,
      fail,
      ResponseShapeError,
    ) as Project;
  }

  private array(node: Json): Project {
    const items = node.items && typeof node.items === 'object' ? this.of(node.items as Json) : identity;
    return (v) => {
      if (!Array.isArray(v)) return fail('expected an array');
      const out = new Array<unknown>(v.length);
      let i = 0;
      try {
        for (; i < v.length; i++) out[i] = items(v[i]);
      } catch (err) {
        if (err instanceof ResponseShapeError) throw err.within(`[${i}]`);
        throw err;
      }
      return out;
    };
  }

  /** The first branch the value fits (each branch refuses what does not fit it). */
  private union(branches: Json[]): Project {
    const projects = branches.map((b) => this.of(b));
    return (v) => {
      for (const project of projects) {
        try {
          return project(v);
        } catch (err) {
          if (!(err instanceof ResponseShapeError)) throw err;
        }
      }
      return fail('fits none of its alternatives');
    };
  }
}

function fail(what: string): never {
  throw new ResponseShapeError(what);
}

/** The inline test for a plain primitive property (nullable or not), or undefined when it needs its projection. */
function inlineCheck(schema: Json): string | undefined {
  const plain = Object.keys(schema).every(
    (k) => !['$ref', 'anyOf', 'oneOf', 'allOf', 'properties', 'items', 'enum', 'const'].includes(k),
  );
  const type = schema.type;
  if (!plain || typeof type !== 'string') return undefined;
  const test = TYPE_TEST[type];
  if (!test) return undefined;
  return schema.nullable === true ? `x === null || ${test}` : test;
}

/** allOf of object schemas (an intersection): one object with every part's properties and requirements. */
function mergeAll(parts: Json[]): Json {
  return {
    type: 'object',
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
    required: parts.flatMap((p) => (p.required as string[] | undefined) ?? []),
  };
}
