import fc from 'fast-check';
import {
  BOUNDARY_NUMBERS,
  CONTENT_TYPES,
  HEADERS,
  HUGE_STRINGS,
  NAUGHTY_STRINGS,
  POISON,
  RAW_NUMBER_TOKENS,
  RAW_URL_TEXTS,
  SWEEP,
  WRONG_TYPES,
} from './naughty.js';
import { filePart, PNG, TEXT } from '../../support/multipart.js';
import type { Slot } from './openapi.js';
import { clone, payloadOf, RawJson, RawUrlText, type FuzzRequest } from './request.js';

/** A long string, printed short in counterexamples. */
export class Repeat {
  constructor(
    readonly unit: string,
    readonly times: number,
  ) {}
  get value() {
    return this.unit.repeat(this.times);
  }
  [fc.toStringMethod]() {
    return `${JSON.stringify(this.unit)}×${this.times}`;
  }
}
RawJson.prototype[fc.toStringMethod as never] = function (this: RawJson) {
  return `raw(${this.token})`;
} as never;

/** One change to a valid request. Plain data, so fast-check can shrink and print it. */
export type Mutation =
  | { kind: 'drop'; slot: Slot }
  | { kind: 'set'; slot: Slot; value: unknown }
  | { kind: 'extra'; in: 'body' | 'query' | 'form'; key: string; value: unknown }
  | { kind: 'poison'; member: string }
  | { kind: 'duplicate-query'; name: string; values: [unknown, unknown] }
  | { kind: 'content-type'; value: string | null }
  | { kind: 'malformed'; keep: number }
  | { kind: 'other-id'; slot: Slot; id: string }
  | { kind: 'raw-url'; slot: Slot; text: string }
  | { kind: 'header'; name: string; value: string }
  | { kind: 'too-large' }
  | { kind: 'file'; bytes: 'text' | 'empty' | 'second-file' };

const materialize = (v: unknown): unknown =>
  v instanceof Repeat
    ? v.value
    : Array.isArray(v)
      ? v.map(materialize)
      : v && typeof v === 'object' && !(v instanceof RawJson)
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x)]))
        : v;

export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...WRONG_TYPES),
  fc.constantFrom(...BOUNDARY_NUMBERS),
  fc.constantFrom(...RAW_NUMBER_TOKENS).map((t) => new RawJson(t)),
  fc.constantFrom(...NAUGHTY_STRINGS),
  fc.constantFrom(...HUGE_STRINGS).map((s) => new Repeat([...s][0], [...s].length)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

export interface Pools {
  /** Ids of objects the actor must not reach or that do not exist (another customer's file, nil uuid). */
  otherIds: string[];
}

export function mutationArb(slots: Slot[], pools: Pools, body: 'json' | 'form' | 'none'): fc.Arbitrary<Mutation> {
  const required = slots.filter((s) => s.required);
  const idSlots = slots.filter((s) => s.in === 'path' && s.format === 'uuid');
  const queryNames = [...new Set(['limit', ...slots.filter((s) => s.in === 'query').map((s) => s.name)])];
  const arbs: fc.Arbitrary<Mutation>[] = [
    fc.record({ kind: fc.constant('extra' as const), in: fc.constant('query' as const), key: key(), value: badValue }),
    fc.record({
      kind: fc.constant('duplicate-query' as const),
      name: fc.constantFrom(...queryNames),
      values: fc.tuple(fc.constantFrom<unknown>('1', '2', '101', ''), badValue),
    }),
    fc.record({ kind: fc.constant('content-type' as const), value: fc.constantFrom(...CONTENT_TYPES) }),
    fc
      .constantFrom(...HEADERS)
      .chain(([name, values]) =>
        fc.record({ kind: fc.constant('header' as const), name: fc.constant(name), value: fc.constantFrom(...values) }),
      ),
  ];
  if (slots.length > 0) {
    arbs.push(fc.record({ kind: fc.constant('set' as const), slot: fc.constantFrom(...slots), value: badValue }));
    arbs.push(
      fc.record({ kind: fc.constant('drop' as const), slot: fc.constantFrom(...(required.length ? required : slots)) }),
    );
  }
  const urlSlots = slots.filter((s) => s.in === 'path' || s.in === 'query');
  if (urlSlots.length > 0)
    arbs.push(
      fc.record({
        kind: fc.constant('raw-url' as const),
        slot: fc.constantFrom(...urlSlots),
        text: fc.constantFrom(...RAW_URL_TEXTS),
      }),
    );
  if (idSlots.length > 0 && pools.otherIds.length > 0)
    arbs.push(
      fc.record({
        kind: fc.constant('other-id' as const),
        slot: fc.constantFrom(...idSlots),
        id: fc.constantFrom(...pools.otherIds),
      }),
    );
  if (body !== 'form') {
    arbs.push(
      fc.record({ kind: fc.constant('extra' as const), in: fc.constant('body' as const), key: key(), value: badValue }),
    );
    arbs.push(fc.record({ kind: fc.constant('poison' as const), member: fc.constantFrom(...POISON) }));
    arbs.push(fc.constant({ kind: 'too-large' as const }));
  } else {
    arbs.push(
      fc.record({ kind: fc.constant('extra' as const), in: fc.constant('form' as const), key: key(), value: badValue }),
    );
    arbs.push(
      fc.record({
        kind: fc.constant('file' as const),
        bytes: fc.constantFrom('text' as const, 'empty' as const, 'second-file' as const),
      }),
    );
  }
  if (body !== 'none')
    arbs.push(
      fc.record({ kind: fc.constant('malformed' as const), keep: fc.double({ min: 0, max: 0.99, noNaN: true }) }),
    );
  return fc.oneof(...arbs);
}

export function sweep(slots: Slot[]): Mutation[][] {
  return slots
    .filter((s) => s.in !== 'path' && s.name !== '')
    .flatMap((slot) => SWEEP.map((value): Mutation[] => [{ kind: 'set', slot, value }]));
}

const key = () =>
  fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'isAdmin', 'role', 'toString', '', 'a.b', '$where'),
    fc.string({ maxLength: 12 }),
  );

/**
 * Applies mutations to a copy of `valid`. Returns the request and the statuses the harness itself provokes
 * beyond the documented ones, each with its reason:
 * - 404/405: a path parameter changed so the router no longer matches (empty segment, over Fastify's
 *   100-character parameter limit);
 * - 415: a Content-Type the server has no parser for (or multipart without a boundary);
 * - 413: a body over BODY_LIMIT_BYTES.
 */
export function applyMutations(valid: FuzzRequest, mutations: Mutation[]): { req: FuzzRequest; allowed: Set<number> } {
  const req = clone(valid);
  const allowed = new Set<number>();
  const ordered = [
    ...mutations.filter((m) => m.kind !== 'malformed'),
    ...mutations.filter((m) => m.kind === 'malformed'),
  ];
  for (const m of ordered) {
    switch (m.kind) {
      case 'raw-url':
        if (m.slot.in === 'path') {
          req.params[m.slot.name] = new RawUrlText(m.text);
          [404, 405].forEach((s) => allowed.add(s));
        } else req.query.push([m.slot.name, new RawUrlText(m.text)]);
        break;
      case 'set':
      case 'drop':
      case 'other-id': {
        const value = m.kind === 'drop' ? undefined : materialize(m.kind === 'set' ? m.value : m.id);
        if (m.slot.in === 'path') {
          req.params[m.slot.name] = value;
          [404, 405].forEach((s) => allowed.add(s));
        } else if (m.slot.in === 'query') {
          req.query = req.query.filter(([k]) => k !== m.slot.name);
          if (value !== undefined) req.query.push([m.slot.name, value]);
        } else if (m.slot.in === 'form' && req.body.kind === 'form') setFormSlot(req, m.slot.name, value);
        else if (req.body.kind === 'json') req.body.value = setPath(req.body.value, m.slot.name, value);
        break;
      }
      case 'extra':
        if (m.in === 'query') req.query.push([m.key, materialize(m.value)]);
        else if (m.in === 'form' && req.body.kind === 'form')
          req.body.parts.push({ name: m.key, value: String(materialize(m.value)) });
        else if (req.body.kind === 'json' || req.body.kind === 'none') {
          const base = req.body.kind === 'json' ? req.body.value : {};
          const obj = base && typeof base === 'object' && !Array.isArray(base) ? base : {};
          req.body = { kind: 'json', value: { ...obj, [m.key]: materialize(m.value) } };
        }
        break;
      case 'poison':
        req.jsonPrefix = req.jsonPrefix ? `${req.jsonPrefix},${m.member}` : m.member;
        break;
      case 'duplicate-query':
        req.query.push([m.name, materialize(m.values[0])], [m.name, materialize(m.values[1])]);
        break;
      case 'content-type':
        req.contentType = m.value;
        allowed.add(415);
        break;
      case 'header':
        req.headers[m.name] = m.value;
        break;
      case 'too-large':
        req.body = { kind: 'json', value: { padding: 'x'.repeat(1_100_000) } };
        allowed.add(413);
        break;
      case 'file':
        if (req.body.kind !== 'form') break;
        if (m.bytes === 'second-file') req.body.parts.push(filePart(PNG, 'second.png'));
        else
          req.body.parts = req.body.parts.map((p) =>
            'bytes' in p ? { ...p, bytes: m.bytes === 'text' ? TEXT : Buffer.alloc(0) } : p,
          );
        break;
      case 'malformed': {
        const { payload, contentType } = payloadOf(req);
        if (payload === undefined) break;
        const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
        req.body = { kind: 'raw', payload: buf.subarray(0, Math.floor(buf.length * m.keep)) };
        req.jsonPrefix = undefined;
        req.contentType ??= contentType;
        break;
      }
    }
  }
  return { req, allowed };
}

function setFormSlot(req: FuzzRequest, name: string, value: unknown) {
  if (req.body.kind !== 'form') return;
  const [part, attr] = name.split('.');
  const text = value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined && !attr) {
    req.body.parts = req.body.parts.filter((p) => p.name !== part);
    return;
  }
  req.body.parts = req.body.parts.map((p) => {
    if (p.name !== part) return p;
    if (!('bytes' in p)) return { ...p, value: text ?? '' };
    if (attr === 'filename' || attr === 'contentType') return { ...p, [attr]: text ?? '' };
    return { ...p, bytes: Buffer.from(text ?? '') };
  });
  if (!req.body.parts.some((p) => p.name === part) && text !== undefined)
    req.body.parts.push({ name: part, value: text });
}

/** Sets (or with `undefined` deletes) a dot path; '' is the whole body. Creates containers on the way. */
export function setPath(root: unknown, path: string, value: unknown): unknown {
  if (path === '') return value;
  const keys = path.split('.');
  const top: any = root && typeof root === 'object' ? root : {};
  let node = top;
  for (const k of keys.slice(0, -1)) {
    if (!node[k] || typeof node[k] !== 'object') node[k] = /^\d+$/.test(k) ? [] : {};
    node = node[k];
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return top;
}
