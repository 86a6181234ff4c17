import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { invariantViolations } from '../support/invariants.js';

describe('test/invariants.sql', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://', poolMax: 1, statementTimeoutMs: 10_000 });
    await db.migrate();
  });
  afterAll(async () => {
    await db.close();
  });

  it('holds on a fresh database and reports a planted violation', async () => {
    expect(await invariantViolations(db)).toEqual([]);
    await db.db.execute(
      sql`insert into users (id, type, name, email, password_hash, status) values (gen_random_uuid(), 'customer', 'x', 'x@example.test', 'h', 'pending_approval')`,
    );
    expect(await invariantViolations(db)).toEqual([expect.stringMatching(/^pending approval on a non-doctor: /)]);
  });
});
