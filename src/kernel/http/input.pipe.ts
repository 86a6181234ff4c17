import { Injectable, StandardSchemaValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { AppError, type FieldError } from '../errors/index.js';

const MAX_REPORTED = 20;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function problemOf(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired surrogate (not valid Unicode)';
  return undefined;
}

/**
 * Where a request carries text PostgreSQL refuses: U+0000 (text cannot hold it) and unpaired surrogates
 * (jsonb rejects their escapes), each of which fails the query it reaches with a 500. Walks iteratively
 * (a body nested 10,000 deep must not overflow the stack), keys included; reports at most 20 places.
 */
export function unstorableText(value: unknown, root: string): FieldError[] {
  const out: FieldError[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0 && out.length < MAX_REPORTED) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const message = problemOf(v);
      if (message) out.push({ field: path || '(body)', code: 'invalid_characters', message });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const at = path ? `${path}.${k}` : k;
        const message = problemOf(k);
        if (message) out.push({ field: at, code: 'invalid_characters', message });
        stack.push([child, at]);
      }
    }
  }
  return out;
}

/**
 * The global pipe: refuses unstorable text in bodies, query strings and path parameters, then validates
 * against the route's Standard Schema (zod) as Nest's own pipe does.
 */
@Injectable()
export class InputPipe extends StandardSchemaValidationPipe {
  override async transform<T = any>(value: T, metadata: ArgumentMetadata): Promise<T> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const found = unstorableText(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
      if (found.length > 0) throw AppError.validation(found);
    }
    return super.transform(value, metadata);
  }
}
