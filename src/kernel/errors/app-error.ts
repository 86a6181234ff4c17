export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'gone'
  | 'too_large'
  | 'unsupported_media'
  | 'rate_limited'
  | 'locked'
  | 'unavailable'
  | 'internal';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported_media: 415,
  locked: 423,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export interface AppErrorDetails {
  errors?: FieldError[];
  retryAfterSeconds?: number;
  [key: string]: unknown;
}

/**
 * The one error type below controllers (rule 6). `code` is stable (`<domain>/<reason>`) and clients branch
 * on it; `message` is the English developer message, translated at the edge by code.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: AppErrorDetails = {},
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_BY_KIND[this.kind];
  }

  static notFound(code = 'common/not-found', message = 'The resource was not found') {
    return new AppError('not_found', code, message);
  }
  static validation(errors: FieldError[], message = 'The request is not valid') {
    return new AppError('validation', 'common/validation-failed', message, { errors });
  }
  static forbidden(code = 'auth/forbidden', message = 'You are not allowed to do this') {
    return new AppError('forbidden', code, message);
  }
  static unauthenticated(code = 'auth/unauthenticated', message = 'Authentication is required') {
    return new AppError('unauthenticated', code, message);
  }
  static conflict(code: string, message: string, details?: AppErrorDetails) {
    return new AppError('conflict', code, message, details);
  }
}
