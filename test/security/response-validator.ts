import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;
interface Operation {
  method: string;
  pattern: RegExp;
  path: string;
  responses: Record<string, Json>;
}

/** Field names that must never appear in any response body (secrets, hashes, codes, settlement prices). */
export const DENIED_FIELDS = [
  /hash$/i,
  /^password/i,
  /secret/i,
  /^otp/i,
  /^oneTimeCode/i,
  /^settlement/i,
  /^nationalId/i,
  /^tokenHash$/i,
  /^storageKey$/i,
];

export function deniedFieldsIn(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => deniedFieldsIn(v, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(DENIED_FIELDS.some((re) => re.test(k)) ? [`${path}.${k}`] : []),
    ...deniedFieldsIn(v, `${path}.${k}`),
  ]);
}

/** Objects that do not say otherwise refuse unknown properties: a response carries only what it documents. */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'example' || k === 'examples' ? v : closeObjects(v);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined)
    out.additionalProperties = false;
  if (typeof out.$ref === 'string') out.$ref = out.$ref.replace('#/components/', 'components#/');
  return out;
}

/**
 * Validates every response the test suite sees against the OpenAPI document: the status must be
 * documented for the operation (errors may also be any problem+json), the body must match its schema
 * with no unknown properties, and no denied field name may appear anywhere.
 */
export class ResponseValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly problem: ValidateFunction;

  constructor(doc: Json) {
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
    this.ajv.addSchema({ $id: 'components', ...(closeObjects(doc.components ?? {}) as Json) });
    this.problem = this.ajv.compile({ $ref: 'components#/schemas/Problem' });
    for (const [path, ops] of Object.entries<Json>(doc.paths)) {
      const pattern = new RegExp('^' + path.replace(/\{[^}]+\}/g, '[^/]+') + '$');
      for (const [method, op] of Object.entries<Json>(ops)) {
        this.operations.push({ method: method.toUpperCase(), pattern, path, responses: op.responses ?? {} });
      }
    }
  }

  /** Returns a list of problems (empty when the response is as documented). */
  check(method: string, url: string, status: number, contentType: string, body: unknown): string[] {
    const path = url.split('?')[0];
    if (path.startsWith('/health') || path.startsWith('/docs')) return [];
    const where = `${method} ${path} → ${status}`;
    const errors = deniedFieldsIn(body).map((f) => `${where}: denied field ${f}`);
    const op = this.operations.find((o) => o.method === (method === 'HEAD' ? 'GET' : method) && o.pattern.test(path));
    const isJson = contentType.includes('json');
    if (status >= 400) {
      if (!contentType.includes('application/problem+json')) errors.push(`${where}: error is not problem+json`);
      else if (!this.problem(body))
        errors.push(`${where}: problem body invalid: ${this.ajv.errorsText(this.problem.errors)}`);
      return errors;
    }
    if (!op) return [...errors, `${where}: success from an undocumented operation`];
    const response = op.responses[String(status)];
    if (!response) return [...errors, `${where}: status ${status} is not documented for ${op.path}`];
    const schema = response.content?.['application/json']?.schema;
    if (!schema || !isJson) return errors;
    const key = `${op.method} ${op.path} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(closeObjects(schema) as Json);
      this.compiled.set(key, validate);
    }
    if (!validate(body))
      errors.push(`${where}: body does not match its schema: ${this.ajv.errorsText(validate.errors)}`);
    return errors;
  }
}
