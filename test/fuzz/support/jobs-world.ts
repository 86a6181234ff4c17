import { sql } from 'drizzle-orm';
import { newId } from '../../../src/kernel/ids.js';
import type { World } from './world.js';

/** A fresh dead letter of a harmless job (a prune), so that every retry the fuzzer sends has one to retry. */
async function deadLetter(w: World): Promise<string> {
  const id = newId();
  await w.t.database.db.execute(
    sql`insert into job_failures (id, name, payload, attempts, last_error)
        values (${id}, 'auth.prune-expired', '{}'::jsonb, 1, 'fuzz')`,
  );
  return id;
}

export const JOBS_HINTS = {
  'POST /v1/admin/jobs/{id}/retry': { params: async (w: World) => ({ id: await deadLetter(w) }) },
};
