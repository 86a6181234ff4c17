import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';
import { AppModule } from './app.module.js';
import { ConfigError, type Config } from './config/index.js';
import { AppError, sendProblem } from './kernel/errors/index.js';
import { openDatabase, type Database } from './db/client.js';
import { seedDemo } from './db/seed/demo.seed.js';
import { randomUUID } from 'node:crypto';
import { configureHttp, trustProxyOption, type ClosingState } from './kernel/http/fastify-setup.js';
import { setupDocs } from './kernel/http/docs.js';
import { attachRealtime } from './kernel/realtime/index.js';
import { startSchedules } from './kernel/queue/index.js';
import { createLogger, LazyChildLogger, PinoNestLogger } from './kernel/logger.js';
import { HealthController } from './modules/health/index.js';
import { AdminBootstrapService } from './modules/identity/index.js';

export interface App {
  app: NestFastifyApplication;
  database: Database;
  logger: Logger;
  close(): Promise<void>;
}

/** The configured database (PGlite or PostgreSQL), migrated first when the configuration says so. */
export async function openConfiguredDatabase(
  config: Config,
  logger: Logger,
  migrate = config.database.migrateOnBoot,
): Promise<Database> {
  const database = await openDatabase({
    url: config.database.url,
    dataDir: config.dataDir,
    poolMax: config.database.poolMax,
    statementTimeoutMs: config.database.statementTimeoutMs,
    verifyStatements: config.env === 'test',
    onError: (err) => logger.warn({ err: { message: err.message } }, 'database connection error'),
  });
  if (migrate) {
    const started = performance.now();
    await database.migrate();
    logger.info(
      { database: config.database.url ? 'postgresql' : `pglite (${config.dataDir})` },
      `database migrated in ${Math.round(performance.now() - started)} ms`,
    );
  }
  return database;
}

/**
 * Opens the database, migrates when configured, and builds the HTTP application (not yet listening).
 * `runJobs`: run the repeatable schedules in this process (when there is no separate worker).
 */
export async function createApp(
  config: Config,
  opts: { logger?: Logger; runJobs?: boolean; imports?: Type[] } = {},
): Promise<App> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const database = await openConfiguredDatabase(config, logger);
  try {
    return await buildApp(config, database, logger, opts);
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}

/**
 * One log line per request, when it completes (method, path, status, time), instead of Fastify's two (the
 * "incoming request" line said nothing the completion line does not).
 */
class OneLinePerRequest extends LogController {
  constructor(
    opts: ConstructorParameters<typeof LogController>[0],
    /** The line goes through the root logger with the request's id: no per-request child (LazyChildLogger). */
    private readonly root: Logger,
  ) {
    super(opts);
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { [this.requestIdLogLabel]: request.id, req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) this.root.error({ ...line, err: error }, 'request errored');
    else this.root.info(line, 'request completed');
  }
}

async function buildApp(
  config: Config,
  database: Database,
  logger: Logger,
  opts: { runJobs?: boolean; imports?: Type[] },
): Promise<App> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.http.bodyLimit,
    trustProxy: trustProxyOption(config.http.trustProxy),
    requestIdHeader: 'x-request-id',
    // Request ids need no time order: the pooled v4 generator is the cheapest.
    genReqId: () => randomUUID(),
    logController: new OneLinePerRequest(
      { requestIdLogLabel: 'requestId', disableRequestLogging: config.env === 'test' },
      logger,
    ),
    childLoggerFactory: (parent: Logger, bindings: Bindings, options: ChildLoggerOptions) =>
      new LazyChildLogger(parent, bindings, options),
    return503OnClosing: true,
    // Errors Fastify raises before routing (bad percent-encoding, over-long parameters) are problems too.
    frameworkErrors: (err: unknown, req: FastifyRequest, reply: FastifyReply) => sendProblem(err, req, reply),
    forceCloseConnections: 'idle',
  } as never);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, database, opts.imports),
    adapter,
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
      // Our JSON parser below replaces Nest's (empty bodies, prototype-poisoning refusal).
      bodyParser: false,
    },
  );
  const closing: ClosingState = { value: false };
  await configureHttp(app, config, closing);
  setupDocs(app, config);
  app.enableShutdownHooks();
  try {
    await app.init();
    attachRealtime(app, config);
    await afterInit(app, config, logger, opts.runJobs);
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }

  return { app, database, logger, close: () => shutdown(app, database, closing) };
}

/** Boot-time data: the first admin from the environment, demo data, and schedules when asked. */
async function afterInit(
  app: NestFastifyApplication,
  config: Config,
  logger: Logger,
  runJobs?: boolean,
): Promise<void> {
  const { email: adminEmail, password: adminPassword } = config.auth.admin;
  if (adminEmail && adminPassword) {
    await app
      .get(AdminBootstrapService)
      .ensureAdmin(adminEmail, adminPassword)
      .catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'auth/weak-password') {
          throw new ConfigError(
            `Invalid configuration: ADMIN_PASSWORD: ${err.details.errors?.map((e) => e.message).join(', ')}`,
          );
        }
        throw err;
      });
  }
  if (config.seedDemo) await seedDemo(app, logger);
  if (runJobs) await startSchedules(app);
}

/**
 * Graceful stop: new requests get 503, in-flight ones finish and are answered with `Connection: close`,
 * keep-alive sockets are closed as soon as they go idle (Fastify's 72 s keep-alive would otherwise hold the
 * process), then the pools close.
 */
async function shutdown(app: NestFastifyApplication, database: Database, closing: ClosingState): Promise<void> {
  closing.done ??= (async () => {
    closing.value = true;
    app.get(HealthController).markShuttingDown();
    const server = app.getHttpServer() as { closeIdleConnections?: () => void };
    const reaper = setInterval(() => server.closeIdleConnections?.(), 50);
    try {
      await app.close();
    } finally {
      clearInterval(reaper);
    }
    await database.close();
  })();
  return closing.done;
}
