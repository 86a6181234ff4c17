import { cursorShapes, type CursorFieldSpec, type CursorShape } from '../../../src/kernel/http/index.js';
import type { Mutation } from './mutations.js';
import { deref, validValue, type OpenApiDoc, type Op, type Slot } from './openapi.js';

/**
 * Well-formed cursors carrying out-of-range values, made from the same shapes the server decodes with
 * (cursorShapes(): every cursorShape(...) the modules declare, with each field's kind and bounds). A list
 * route that decodes a cursor any other way, or a new field kind without bounds, would let one of these reach
 * SQL: the fuzzer then sees the 500. Each cursor holds in-range values but for one position.
 */

/** A JSON number token JSON.stringify would round (2^53 is past the last exact integer). */
class RawNumber {
  constructor(readonly token: string) {}
}

const PG_LIMITS = [2 ** 31, -(2 ** 31) - 1, new RawNumber('9007199254740992'), new RawNumber('9223372036854775808')];
const GOOD_ID = '0190a0c8-0000-7000-8000-000000000000';

function good(spec: CursorFieldSpec): unknown {
  switch (spec.kind) {
    case 'int':
    case 'number':
      return Math.min(Math.max(0, spec.min), spec.max);
    case 'flag':
      return 0;
    case 'tag':
      return spec.value;
    case 'id':
      return GOOD_ID;
    case 'instant':
      return '2024-01-01T00:00:00.000Z';
    case 'date':
      return '2024-01-01';
    case 'text':
      return 'A';
  }
}

/** Values PostgreSQL (or the column) refuses, plus spellings that must be accepted the same (upper-case ids). */
function bad(spec: CursorFieldSpec): unknown[] {
  switch (spec.kind) {
    // Past the field's own bounds, and past PostgreSQL's int4 and int8 whatever the field claims: a field
    // declared wider than its column still fails here.
    case 'int':
      return [spec.max + 1, spec.min - 1, spec.min + 0.5, ...PG_LIMITS];
    case 'number':
      return [spec.max * 2 + 1, spec.min - 1, 1e308, -1e308, ...PG_LIMITS];
    case 'flag':
      return [2, -1, true];
    case 'tag':
      return ['z', 0];
    case 'id':
      return ['not-a-uuid', GOOD_ID.toUpperCase(), 12];
    case 'instant':
      return [
        '0000-01-01T00:00:00.000Z',
        '9999-12-31T23:59:59-10:00',
        '+010000-01-01T00:00:00.000Z',
        '1899-12-31T23:59:59.999Z',
      ];
    case 'date':
      return ['0000-01-01', '0000-02-29', '1899-12-31', '+010000-01-01'];
    case 'text':
      return ['A\u0000', 'x'.repeat(spec.max + 1), '\ud800', ''];
  }
}

const encode = (values: unknown[]) =>
  Buffer.from(
    `[${values.map((v) => (v instanceof RawNumber ? v.token : JSON.stringify(v))).join(',')}]`,
    'utf8',
  ).toString('base64url');

/** Every crafted cursor, once (shapes alike in kind produce the same cursors). */
export function craftedCursors(shapes: readonly CursorShape[] = cursorShapes()): string[] {
  const out = new Set<string>();
  for (const shape of shapes) {
    const specs = shape.fields.map((f) => f.spec);
    specs.forEach((spec, i) => {
      for (const value of bad(spec)) out.add(encode(specs.map((s, j) => (j === i ? value : good(s)))));
    });
  }
  return [...out];
}

/** Query values the generator cannot derive from a pattern, and that lead a list down its other ordering. */
const KNOWN_QUERY: Record<string, string> = { lat: '30.0444', lng: '31.2357', q: 'panadol' };

/**
 * For an operation with a `cursor` query parameter: each crafted cursor alone, and with every optional query
 * parameter set to a valid value (a search term, a point, a filter), so each ordering's decoder is reached
 * (GET /v1/products decodes another shape with `q`, GET /v1/branches another with lat/lng).
 */
export function cursorExamples(op: Op, doc: OpenApiDoc, slots: Slot[], cursors: string[]): Mutation[][] {
  const cursorSlot = slots.find((s) => s.in === 'query' && s.name === 'cursor');
  if (!cursorSlot) return [];
  const filled: Mutation[] = [];
  for (const p of op.op.parameters ?? []) {
    const slot = slots.find((s) => s.in === 'query' && s.name === p.name);
    if (!slot || slot.required || p.name === 'cursor' || p.name === 'limit') continue;
    // An optional reference (branchId, categoryId) filled at random would name nothing: left out, as in hints.ts.
    if (slot.format === 'uuid') continue;
    let value: unknown = KNOWN_QUERY[p.name];
    if (value === undefined)
      try {
        value = validValue(deref(p.schema, doc), `${op.key} query ${p.name}`, p.name);
      } catch {
        continue;
      }
    filled.push({ kind: 'set', slot, value });
  }
  return cursors.flatMap((value) => {
    const alone: Mutation[] = [{ kind: 'set', slot: cursorSlot, value }];
    return filled.length > 0 ? [alone, [...alone, ...filled]] : [alone];
  });
}
