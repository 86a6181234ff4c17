import { createApp } from './app.factory.js';
import { configFromProcess, ConfigError } from './config/index.js';

async function main(): Promise<void> {
  const started = performance.now();
  const config = configFromProcess();
  // With BullMQ this process only enqueues (`npm run worker` consumes); in process it runs the schedules itself.
  const { app, logger, close } = await createApp(config, { runJobs: config.jobs.driver === 'in-process' });
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.info(
    {
      port: config.http.port,
      mode: config.database.url ? 'production' : 'embedded',
      bootMs: Math.round(performance.now() - started),
    },
    `Medyour API ready at ${config.http.publicUrl} (docs at ${config.http.publicUrl}/docs)`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const timer = setTimeout(() => {
      logger.error('shutdown grace period exceeded; exiting');
      process.exit(1);
    }, config.http.shutdownGraceMs);
    timer.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // Configuration problems are one readable line; anything else is a crash with its stack.
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
