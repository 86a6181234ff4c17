import type { StandardSchemaV1 } from '@standard-schema/spec';
import { AppError, type FieldError } from './app-error.js';

/** Maps Standard Schema (zod) issues to field errors with stable codes. */
export function issuesToFieldErrors(issues: readonly StandardSchemaV1.Issue[]): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues.slice(0, 50)) {
    const path = (issue.path ?? []).map((p) => (typeof p === 'object' ? p.key : p)).map(String);
    const raw = issue as StandardSchemaV1.Issue & { code?: string; keys?: string[]; input?: unknown };
    if (raw.code === 'unrecognized_keys' && raw.keys) {
      for (const key of raw.keys.slice(0, 20))
        out.push({ field: [...path, key].join('.'), code: 'unknown_field', message: 'is not allowed' });
      continue;
    }
    const missing = raw.code === 'invalid_type' && /received undefined/.test(issue.message);
    out.push({
      field: path.join('.') || '(body)',
      code: missing ? 'required' : (raw.code ?? 'invalid_value'),
      message: missing ? 'is required' : issue.message,
    });
  }
  return out;
}

export const validationExceptionFactory = (issues: readonly StandardSchemaV1.Issue[]) =>
  AppError.validation(issuesToFieldErrors(issues));
