import { inject } from 'vitest';
import { REDIS_BASE, WORKER_DBS, urlFor, workerDb } from './databases.js';

// Each Vitest worker gets its own database (cloned from the migrated template) and Redis db index.
const poolId = ((Number(process.env.VITEST_POOL_ID ?? '1') - 1) % WORKER_DBS) + 1;
process.env.TEST_DATABASE_URL = urlFor(workerDb(inject('dbRun'), poolId));
const redis = new URL(REDIS_BASE);
redis.pathname = '/' + String(poolId);
process.env.TEST_REDIS_URL = redis.toString();
