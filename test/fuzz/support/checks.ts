import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { deref, type OpenApiDoc, type Op } from './openapi.js';
import type { Sent } from './request.js';

/** Internals that must never reach a client. */
export const LEAKS: readonly [string, RegExp][] = [
  ['a stack frame', /at .*\(.*:\d+:\d+\)/],
  ['SQL', /\bselect\b.*\bfrom\b/i],
  ['SQL', /\b(insert into|delete from|update \w+ set)\b/i],
  ['a server path', /\/(work|srv|home|usr|app|tmp)\//],
  ['node_modules', /node_modules/],
  ['a driver error', /\b(drizzle|pglite|postgres(ql)?|pg_|ioredis|ECONNREFUSED)\b/i],
];

export const MAX_MS = 2_000;

/** Validators for every documented JSON response, compiled once from the document. */
export class ResponseSchemas {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction | null>();

  constructor(private readonly doc: OpenApiDoc) {
    addFormats.default(this.ajv);
    this.ajv.addFormat('binary', true);
  }

  validator(op: Op, status: number): ValidateFunction | null {
    const key = `${op.key} ${status}`;
    if (!this.cache.has(key)) {
      const content = op.op.responses[String(status)]?.content ?? {};
      const schema = Object.values(content)[0]?.schema;
      this.cache.set(key, schema ? this.ajv.compile(deref(schema, this.doc)) : null);
    }
    return this.cache.get(key)!;
  }
}

/**
 * The contract every answer keeps, whatever was sent: no 5xx, a documented status (or one the mutation
 * itself provokes, passed in `alsoAllowed`), problem+json with a code for errors, the documented body
 * for successes, nothing internal in the text or headers, and an answer within 2 s.
 * Returns the list of violations (empty when the answer is fine).
 */
export function violations(op: Op, sent: Sent, schemas: ResponseSchemas, alsoAllowed: ReadonlySet<number>): string[] {
  const { res } = sent;
  const out: string[] = [];
  if (res.status >= 500) out.push(`server error ${res.status}`);
  if (!op.documented.has(res.status) && !alsoAllowed.has(res.status))
    out.push(`undocumented status ${res.status} (documented: ${[...op.documented].join(', ')})`);
  if (sent.ms > MAX_MS) out.push(`answered in ${Math.round(sent.ms)} ms`);
  if (res.status === 405) {
    const allow = String(res.headers.allow ?? '');
    if (!allow || allow.split(/,\s*/).includes(op.method)) out.push(`405 to ${op.method} with Allow "${allow}"`);
  }
  const type = String(res.headers['content-type'] ?? '');
  if (res.status >= 400) {
    if (!type.startsWith('application/problem+json')) out.push(`error with content-type "${type}"`);
    const body = res.body as { code?: unknown; status?: unknown } | undefined;
    if (typeof body?.code !== 'string' || !/^[a-z]+\/[a-z-]+$/.test(body.code)) out.push('error without a code');
    if (body?.status !== res.status) out.push(`problem.status ${String(body?.status)} != ${res.status}`);
  }
  const validate = op.documented.has(res.status) && type.includes('json') ? schemas.validator(op, res.status) : null;
  if (validate && !validate(res.body))
    out.push(`body does not match the documented schema: ${validateErrors(validate)}`);
  const scrubbed = scrub(`${sent.text}\n${JSON.stringify(res.headers)}`, sent.echoes);
  for (const [what, re] of LEAKS) {
    const m = re.exec(scrubbed);
    if (m) out.push(`leaks ${what}: …${scrubbed.slice(Math.max(0, m.index - 60), m.index + 80)}…`);
  }
  return out;
}

const validateErrors = (v: ValidateFunction) =>
  (v.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath} ${e.message}`)
    .join('; ');

/** Removes what the client itself sent (a name may legitimately be "SELECT 1 FROM x"). */
function scrub(text: string, echoes: string[]): string {
  const forms = new Set<string>();
  for (const e of echoes) {
    if (e.length < 3) continue;
    const json = JSON.stringify(e).slice(1, -1);
    for (const f of [e, e.trim(), e.toLowerCase(), e.trim().toLowerCase(), json, json.toLowerCase()]) forms.add(f);
  }
  let out = text;
  for (const f of [...forms].sort((a, b) => b.length - a.length)) if (f.length >= 3) out = out.split(f).join('');
  return out;
}
