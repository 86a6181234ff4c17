import 'reflect-metadata';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { openConfiguredDatabase } from './app.factory.js';
import type { Config } from './config/index.js';
import type { Database } from './db/client.js';
import { createLogger, PinoNestLogger } from './kernel/logger.js';
import { startWorker } from './kernel/queue/index.js';

export interface WorkerContext {
  app: INestApplicationContext;
  database: Database;
  logger: Logger;
  /** Finishes the running jobs (BullMQ waits for them), then closes the pools. */
  close(): Promise<void>;
}

/**
 * The job worker: the same modules as the API, no HTTP. It consumes the queue (BullMQ with Redis) and keeps
 * the repeatable schedules; any number may run at once. `imports`: extra modules (specs add probes).
 */
export async function createWorker(
  config: Config,
  opts: { logger?: Logger; imports?: Type[]; migrate?: boolean } = {},
): Promise<WorkerContext> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const database = await openConfiguredDatabase(config, logger, opts.migrate ?? false);
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config, database, opts.imports), {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    await startWorker(app);
  } catch (err) {
    await app?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw err;
  }
  const context = app;
  let closing: Promise<void> | undefined;
  return {
    app: context,
    database,
    logger,
    close: () =>
      (closing ??= (async () => {
        await context.close();
        await database.close();
      })()),
  };
}
