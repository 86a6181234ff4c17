import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { multipartBody, type FormPart } from '../../support/multipart.js';
import type { Method } from './openapi.js';

/** A JSON token JSON.stringify cannot write (1e309, -0): spliced into the body text as is. */
export class RawJson {
  constructor(readonly token: string) {}
  toString() {
    return this.token;
  }
}

/** URL text sent as is, not percent-encoded (broken escapes, dot segments). */
export class RawUrlText {
  constructor(readonly text: string) {}
}

export type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; parts: FormPart[] }
  | { kind: 'raw'; payload: string | Buffer };

/** A request as data, so mutations can rewrite any part of it before it is serialized. */
export interface FuzzRequest {
  method: Method;
  /** Template with `{name}` placeholders, filled from `params`. */
  path: string;
  params: Record<string, unknown>;
  /** Ordered pairs: the same key may appear twice. */
  query: [string, unknown][];
  headers: Record<string, string>;
  token?: string;
  body: Body;
  /** Raw JSON members spliced in first (`"__proto__":{...}`): JSON.stringify would drop them. */
  jsonPrefix?: string;
  /** `null` sends no Content-Type at all; undefined sends the natural one for the body. */
  contentType?: string | null;
}

export const clone = (req: FuzzRequest): FuzzRequest => ({
  ...req,
  params: { ...req.params },
  query: req.query.map(([k, v]) => [k, v]),
  headers: { ...req.headers },
  body:
    req.body.kind === 'json'
      ? { kind: 'json', value: structuredClone(req.body.value) }
      : req.body.kind === 'form'
        ? { kind: 'form', parts: req.body.parts.map((p) => ({ ...p })) }
        : req.body,
});

/** Lone surrogates cannot be percent-encoded; a client would send U+FFFD instead. */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
const enc = (v: unknown) =>
  v instanceof RawUrlText
    ? v.text
    : encodeURIComponent(wellFormed(typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)));

export function urlOf(req: FuzzRequest): string {
  const path = req.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    req.params[name] === undefined ? '' : enc(req.params[name]),
  );
  const pairs = req.query.flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]));
  const qs = pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  return qs ? `${path}?${qs}` : path;
}

function jsonText(value: unknown, prefix?: string): string {
  const raws: string[] = [];
  let text = JSON.stringify(value, (_k, v: unknown) => (v instanceof RawJson ? `@@raw${raws.push(v.token) - 1}@@` : v));
  text = (text ?? '').replace(/"@@raw(\d+)@@"/g, (_, i: string) => raws[Number(i)]);
  if (!prefix) return text;
  if (text.startsWith('{')) return text === '{}' ? `{${prefix}}` : `{${prefix},${text.slice(1)}`;
  return `{${prefix}}`;
}

export function payloadOf(req: FuzzRequest): { payload?: string | Buffer; contentType?: string } {
  const b = req.body;
  if (b.kind === 'json') return { payload: jsonText(b.value, req.jsonPrefix), contentType: 'application/json' };
  if (b.kind === 'form') return multipartBody(b.parts);
  if (b.kind === 'raw') return { payload: b.payload };
  if (req.jsonPrefix) return { payload: jsonText({}, req.jsonPrefix), contentType: 'application/json' };
  return {};
}

export interface Res {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface Sent {
  url: string;
  res: Res;
  /** The response as text (JSON re-serialized), for the leak scan. */
  text: string;
  ms: number;
  /** Every string the request carried: the response may echo them without leaking anything. */
  echoes: string[];
}

/**
 * Sends through Fastify's inject directly, not the shared HttpClient: that client refuses answers outside
 * the document, and the fuzzer must see them to report them with the request that caused them.
 */
export async function send(app: NestFastifyApplication, req: FuzzRequest): Promise<Sent> {
  const url = urlOf(req);
  const { payload, contentType } = payloadOf(req);
  const headers: Record<string, string> = { ...req.headers };
  const type = req.contentType === undefined ? contentType : req.contentType;
  if (type !== undefined && type !== null) headers['content-type'] = type;
  if (req.token && !headers.authorization) headers.authorization = `Bearer ${req.token}`;
  const started = performance.now();
  const raw = await app.getHttpAdapter().getInstance().inject({ method: req.method, url, headers, payload });
  const ms = performance.now() - started;
  const text = raw.body;
  let body: unknown = text;
  if (String(raw.headers['content-type'] ?? '').includes('json') && text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { unparsable: text.slice(0, 200) };
    }
  }
  const res: Res = { status: raw.statusCode, body, headers: raw.headers };
  const echoes = stringsOf([req.params, req.query, req.headers, req.body.kind === 'json' ? req.body.value : null]);
  if (req.body.kind === 'form') for (const p of req.body.parts) echoes.push(...stringsOf(p));
  // The problem's `instance` is the path the request named, without its query: an echo too.
  const path = url.split('?')[0]!;
  echoes.push(url, decodeURIComponentSafe(url), path, decodeURIComponentSafe(path), req.jsonPrefix ?? '');
  return { url, res, text, ms, echoes };
}

const decodeURIComponentSafe = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

function stringsOf(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 50) return out;
  if (typeof value === 'string') out.push(value);
  else if (Buffer.isBuffer(value)) out.push(value.toString('utf8'));
  else if (value instanceof RawJson) out.push(value.token);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out, depth + 1);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsOf(v, out, depth + 1);
    }
  return out;
}
