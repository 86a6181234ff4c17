import pg from 'pg';
import { openDatabase } from '../../src/db/client.js';
import { ADMIN_URL, TEMPLATE_DB, WORKER_DBS, urlFor, workerDb } from './databases.js';

/** Migrates a template database once, then clones one database per test worker from it. */
export default async function setup(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const dbs = [TEMPLATE_DB, ...Array.from({ length: WORKER_DBS }, (_, i) => workerDb(i + 1))];
    for (const db of dbs) await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
    const template = await openDatabase({ url: urlFor(TEMPLATE_DB), dataDir: '', poolMax: 1, statementTimeoutMs: 60_000 });
    await template.migrate();
    await template.close();
    for (let i = 1; i <= WORKER_DBS; i++) await admin.query(`CREATE DATABASE "${workerDb(i)}" TEMPLATE "${TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
}
