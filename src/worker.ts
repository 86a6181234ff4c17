import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { openConfiguredDatabase } from './app.factory.js';
import { configFromProcess, ConfigError } from './config/index.js';
import { createLogger, PinoNestLogger } from './kernel/logger.js';
import { startSchedules } from './kernel/queue/index.js';

/** The job worker: the same modules, no HTTP; runs the repeatable schedules and (later) BullMQ consumers. */
async function main(): Promise<void> {
  const config = configFromProcess();
  const logger = createLogger(config.logLevel);
  const database = await openConfiguredDatabase(config, logger, false);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, database), {
    logger: new PinoNestLogger(logger),
  });
  startSchedules(app);
  logger.info({ mode: config.database.url ? 'production' : 'embedded' }, 'Medyour worker ready');
  const stop = async (signal: string) => {
    logger.info({ signal }, 'worker stopping: finishing running jobs');
    const timer = setTimeout(() => process.exit(1), config.http.shutdownGraceMs);
    timer.unref();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
