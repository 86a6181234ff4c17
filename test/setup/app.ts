import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/app.factory.js';
import { ResponseValidator } from '../security/response-validator.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createLogger } from '../../src/kernel/logger.js';

/** Embedded mode as `npm start` runs it: PGlite in memory, no Redis, migrated at boot. */
export const EMBEDDED = {
  DATABASE_URL: undefined,
  REDIS_URL: undefined,
  DATA_DIR: 'memory://',
  MIGRATE_ON_BOOT: 'true',
};

export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: process.env.TEST_DATABASE_URL,
    REDIS_URL: process.env.TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `t:${randomUUID().slice(0, 8)}:`,
    // A test app has no worker beside it: its jobs run in process unless a spec asks for BullMQ.
    JOBS_DRIVER: 'in-process',
    MIGRATE_ON_BOOT: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    DATA_DIR: `/tmp/medyour-test-${process.env.VITEST_POOL_ID ?? '1'}`,
    // Tests share one IP (loopback): keep limits out of the way unless a test sets its own.
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000',
    RATE_LIMIT_DEFAULT: '100000',
    ...overrides,
  });
}

export interface TestApp extends App {
  http: HttpClient;
}

let validator: { doc: string; v: ResponseValidator } | undefined;

/** Every app a test boots checks every response against its own OpenAPI document. */
async function validatorFor(app: App): Promise<ResponseValidator> {
  const res = await app.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
  if (validator?.doc !== res.body) validator = { doc: res.body, v: new ResponseValidator(JSON.parse(res.body)) };
  return validator.v;
}

export async function bootTestApp(
  overrides: Record<string, string | undefined> = {},
  imports: Type[] = [],
): Promise<TestApp> {
  const config = testConfig(overrides);
  const app = await createApp(config, { logger: createLogger(config.logLevel), imports });
  return { ...app, http: new HttpClient(app.app, config.production ? undefined : await validatorFor(app)) };
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

/** Speaks HTTP to the app in process (Fastify inject): same routing, hooks, parsers as a socket. */
export class HttpClient {
  constructor(
    private readonly app: NestFastifyApplication,
    private readonly validator?: ResponseValidator,
  ) {}

  async request<T = any>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    opts: {
      body?: unknown;
      token?: string;
      headers?: Record<string, string>;
      raw?: string | Buffer;
      /** The client's socket address (default 127.0.0.1): per-address throttles see different clients. */
      remoteAddress?: string;
    } = {},
  ): Promise<Res<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | Buffer | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await this.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method, url, headers, payload, remoteAddress: opts.remoteAddress });
    let body: unknown = res.body;
    if ((res.headers['content-type'] ?? '').toString().includes('json') && res.body) body = JSON.parse(res.body);
    const problems =
      this.validator?.check(method, url, res.statusCode, String(res.headers['content-type'] ?? ''), body) ?? [];
    if (problems.length > 0) throw new Error(`Response does not match the OpenAPI document:\n${problems.join('\n')}`);
    return { status: res.statusCode, body: body as T, headers: res.headers };
  }

  get<T = any>(url: string, token?: string) {
    return this.request<T>('GET', url, { token });
  }
  post<T = any>(url: string, body?: unknown, token?: string, headers?: Record<string, string>) {
    return this.request<T>('POST', url, { body, token, headers });
  }
  patch<T = any>(url: string, body?: unknown, token?: string) {
    return this.request<T>('PATCH', url, { body, token });
  }
}
