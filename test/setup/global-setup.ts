import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.js';
import { ADMIN_URL, WORKER_DBS, urlFor, workerDb } from './databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dbRun: string;
  }
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/**
 * Migrates a template database once, then clones one database per test worker from it. Names carry a
 * run id, so two test runs on one machine never touch each other's databases.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const run = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  const template = `medyour_test_${run}_tpl`;
  const workers = Array.from({ length: WORKER_DBS }, (_, i) => workerDb(run, i + 1));
  await withAdmin(async (admin) => {
    // Leftovers of runs that were killed before their teardown.
    const { rows } = await admin
      .query<{ datname: string }>(
        `select datname from pg_database where datname like 'medyour\\_test\\_%' and (now() - coalesce((pg_stat_file('base/'||oid||'/PG_VERSION', true)).modification, now())) > interval '3 hours'`,
      )
      .catch(() => ({ rows: [] as { datname: string }[] }));
    for (const r of rows)
      await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => undefined);
    await admin.query(`CREATE DATABASE "${template}"`);
  });
  const db = await openDatabase({ url: urlFor(template), dataDir: '', poolMax: 1, statementTimeoutMs: 60_000 });
  await db.migrate();
  await db.close();
  await withAdmin(async (admin) => {
    for (const w of workers) await admin.query(`CREATE DATABASE "${w}" TEMPLATE "${template}"`);
  });
  project.provide('dbRun', run);
  return async () => {
    await withAdmin(async (admin) => {
      for (const name of [...workers, template]) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
  };
}
