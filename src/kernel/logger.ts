import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

/** Never logged, wherever they appear: credentials, tokens, codes, personal identifiers. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.code',
  '*.token',
  '*.nationalId',
];

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'medyour' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: {
      // Path only: query strings may carry signed-link signatures.
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

/**
 * Nest's boot chatter: a line per module, per controller and per route (a hundred lines that hide the few
 * that matter). Kept at debug: `LOG_LEVEL=debug` shows the route map.
 */
const BOOT_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** Nest's own messages go to the same JSON log. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  private line(level: 'info' | 'warn' | 'error' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (level === 'info' && context && BOOT_CONTEXTS.has(context)) level = 'debug';
    this.logger[level]({ context }, typeof message === 'string' ? message : JSON.stringify(message));
  }
  log(message: unknown, ...rest: unknown[]) {
    this.line('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.line('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.line('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.line('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.line('trace', message, rest);
  }
}
