import { configFromProcess, ConfigError } from './config/index.js';
import { createWorker } from './worker.factory.js';

/** `npm run worker`: consumes the job queue and keeps the repeatable schedules (see worker.factory.ts). */
async function main(): Promise<void> {
  const config = configFromProcess();
  const { logger, close } = await createWorker(config);
  if (config.jobs.driver === 'in-process')
    logger.warn('no BullMQ (REDIS_URL unset or JOBS_DRIVER=in-process): this worker runs the schedules on its own');
  logger.info(
    { mode: config.database.url ? 'production' : 'embedded', jobs: config.jobs.driver },
    'Medyour worker ready',
  );
  const stop = (signal: string) => {
    logger.info({ signal }, 'worker stopping: finishing running jobs');
    const timer = setTimeout(() => process.exit(1), config.http.shutdownGraceMs);
    timer.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'worker shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
