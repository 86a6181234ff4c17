import type { LoggerService } from '@nestjs/common';
import {
  pino,
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Logger,
  type LoggerOptions,
} from 'pino';

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

/** The process's logger (stdout, or `destination`: a test's sink). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
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
  };
  return destination ? pino(options, destination) : pino(options);
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

type LogMethod = (...args: unknown[]) => void;

/**
 * A request's logger (Fastify's request.log), made only when something logs through it. Fastify made a
 * pino child per request, whose bindings pino serialises and redacts at once (3 KB and a few µs per
 * request); the request's own line is written through the root logger with its id (OneLinePerRequest),
 * so most requests never need one.
 */
export class LazyChildLogger {
  private made: Logger | undefined;
  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get real(): Logger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }
  get level(): string {
    return this.made?.level ?? this.parent.level;
  }
  set level(value: string) {
    this.real.level = value;
  }
  fatal: LogMethod = (...args) => (this.real.fatal as LogMethod)(...args);
  error: LogMethod = (...args) => (this.real.error as LogMethod)(...args);
  warn: LogMethod = (...args) => (this.real.warn as LogMethod)(...args);
  info: LogMethod = (...args) => (this.real.info as LogMethod)(...args);
  debug: LogMethod = (...args) => (this.real.debug as LogMethod)(...args);
  trace: LogMethod = (...args) => (this.real.trace as LogMethod)(...args);
  silent: LogMethod = () => undefined;
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real.child(bindings, options);
  }
}
