import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { AppModule } from './app.module.js';
import { openConfiguredDatabase } from './app.factory.js';
import { configFromProcess } from './config/index.js';
import { createLogger, PinoNestLogger } from './kernel/logger.js';
import { AdminBootstrapService } from './modules/identity/index.js';

const USAGE = `Usage: npm run cli -- create-admin --email <email> [--name <name>]
  The password is read from ADMIN_PASSWORD (never from the command line, where it would stay in shell history).`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' } },
  });
  const config = configFromProcess();
  if (positionals[0] !== 'create-admin') {
    console.error(USAGE);
    return 2;
  }
  const email = values.email ?? config.auth.admin.email;
  const password = config.auth.admin.password;
  if (!email || !password) {
    console.error(`create-admin needs --email (or ADMIN_EMAIL) and ADMIN_PASSWORD.\n${USAGE}`);
    return 2;
  }
  const logger = createLogger('warn');
  const database = await openConfiguredDatabase(config, logger);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, database), {
    logger: new PinoNestLogger(logger),
  });
  try {
    const result = await app.get(AdminBootstrapService).createAdmin(email, password, values.name);
    console.log(
      result === 'created' ? `Admin ${email} created.` : `An account with ${email} already exists; nothing changed.`,
    );
    return 0;
  } finally {
    await app.close();
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).message ?? err);
    process.exit(1);
  },
);
