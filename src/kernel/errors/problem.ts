import { HttpException } from '@nestjs/common';
import { AppError, STATUS_BY_KIND, type ErrorKind, type FieldError } from './app-error.js';
import { TITLES, fieldMessage, translate, type Locale } from './messages.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
}

const KIND_BY_STATUS = new Map<number, ErrorKind>(
  Object.entries(STATUS_BY_KIND).map(([k, s]) => [s, k as ErrorKind] as const),
);

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '53300', // too_many_connections
  '57014', // query_canceled (statement timeout)
]);

function isUnavailable(err: unknown): boolean {
  let e: any = err;
  for (let depth = 0; e && depth < 4; depth++, e = e.cause) {
    if (typeof e.code === 'string' && CONNECTION_ERRORS.has(e.code)) return true;
    if (
      typeof e.message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
        e.message,
      )
    )
      return true;
  }
  return false;
}

/** Turns anything thrown into an AppError; `unexpected` says whether it must be logged as a bug. */
export function normalizeError(err: unknown): { error: AppError; unexpected: boolean } {
  if (err instanceof AppError) return { error: err, unexpected: false };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status === 400 && /JSON/i.test(err.message)) {
      return {
        error: new AppError('validation', 'common/malformed-json', 'The request body is not valid JSON'),
        unexpected: false,
      };
    }
    const kind = KIND_BY_STATUS.get(status) ?? (status >= 500 ? 'internal' : 'validation');
    const code =
      status === 404
        ? 'common/route-not-found'
        : status === 413
          ? 'common/payload-too-large'
          : status === 415
            ? 'common/unsupported-media-type'
            : status === 405
              ? 'common/method-not-allowed'
              : `common/${kind.replace('_', '-')}`;
    return { error: new AppError(kind, code, err.message), unexpected: status >= 500 };
  }
  const e = err as { statusCode?: number; code?: string; message?: string } | undefined;
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e?.statusCode === 413) {
    return {
      error: new AppError('too_large', 'common/payload-too-large', 'The request body is too large'),
      unexpected: false,
    };
  }
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e?.statusCode === 415) {
    return {
      error: new AppError('unsupported_media', 'common/unsupported-media-type', 'Unsupported content type'),
      unexpected: false,
    };
  }
  if (
    e?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    (e?.statusCode === 400 && e instanceof SyntaxError)
  ) {
    return {
      error: new AppError('validation', 'common/malformed-json', 'The request body is not valid JSON'),
      unexpected: false,
    };
  }
  if (e?.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return {
      error: new AppError('validation', 'common/malformed-json', 'Content-Length does not match the body'),
      unexpected: false,
    };
  }
  // The router's own refusals (a percent-encoding that does not decode, a path parameter over
  // maxParamLength): an id that long or that broken names nothing, like any other invalid id.
  if (e?.code === 'FST_ERR_BAD_URL' || e?.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return {
      error: new AppError('validation', 'common/invalid-url', 'The URL is malformed or a path segment is too long'),
      unexpected: false,
    };
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const kind = KIND_BY_STATUS.get(e.statusCode) ?? 'validation';
    return {
      error: new AppError(kind, `common/${kind.replace('_', '-')}`, 'The request could not be processed'),
      unexpected: false,
    };
  }
  if (isUnavailable(err)) {
    return {
      error: new AppError('unavailable', 'common/unavailable', 'A backing service is unavailable'),
      unexpected: false,
    };
  }
  return { error: new AppError('internal', 'common/internal', 'Internal error'), unexpected: true };
}

export function toProblem(error: AppError, locale: Locale, ctx: { url?: string; requestId?: string }): Problem {
  const problem: Problem = {
    type: `https://medyour.dev/problems/${error.code}`,
    title: TITLES[error.kind][locale],
    status: error.status,
    detail: translate(error.code, error.message, locale),
    code: error.code,
  };
  if (ctx.url) problem.instance = ctx.url.split('?')[0];
  if (ctx.requestId) problem.requestId = ctx.requestId;
  if (error.details.errors) {
    problem.errors = error.details.errors.map((f) => ({ ...f, message: fieldMessage(f.code, f.message, locale) }));
  }
  if (error.details.retryAfterSeconds !== undefined) problem.retryAfterSeconds = error.details.retryAfterSeconds;
  return problem;
}
