import { openConfiguredDatabase } from '../app.factory.js';
import { configFromProcess } from '../config/index.js';
import { createLogger } from '../kernel/logger.js';

/** `npm run db:migrate`: applies pending migrations to the configured database (PGlite or PostgreSQL). */
const config = configFromProcess();
const database = await openConfiguredDatabase(config, createLogger('info'), true);
await database.close();
console.log(`Migrations applied (${database.kind}).`);
