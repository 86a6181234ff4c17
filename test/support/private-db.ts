import pg from 'pg';
import { inject } from 'vitest';
import { ADMIN_URL, urlFor } from '../setup/databases.js';

/**
 * A migrated database of the test's own, cloned from this run's template, for specs that fill a database
 * (demo seed, bench generator) and must not leave rows behind in the worker's shared one. The name starts
 * like every test database, so a killed run's leftovers are dropped by the next global setup.
 */
export async function privateDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const run = inject('dbRun');
  const name = `medyour_test_${run}_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "medyour_test_${run}_tpl"`);
        break;
      } catch (err) {
        // Another spec cloning the template at the same moment: wait and retry.
        if (attempt >= 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: urlFor(name),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
