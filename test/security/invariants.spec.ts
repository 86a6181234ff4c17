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

  it('reports a ledger that lost or made money', async () => {
    const before = await invariantViolations(db);
    const user = sql`(select id from users limit 1)`;
    await db.db.execute(sql`insert into ledger_accounts (id, code, kind, currency, normal_side, may_go_negative)
      values ('0190a0c8-0000-7000-8000-00000000a001', 'revenue', 'revenue', 'EGP', 'credit', true),
             ('0190a0c8-0000-7000-8000-00000000a002', 'adjustments', 'adjustments', 'EGP', 'debit', true)`);
    // A cached balance that drifted from its postings (no posting at all here).
    await db.db.execute(sql`update ledger_accounts set balance_minor = 5 where code = 'revenue'`);
    // An entry that does not balance and has one posting: only a writer that switched the triggers off gets here.
    await db.db.transaction(async (tx) => {
      await tx.execute(sql`alter table postings disable trigger user`);
      await tx.execute(sql`alter table journal_entries disable trigger user`);
      await tx.execute(
        sql`insert into journal_entries (id, key, kind, created_by) values ('0190a0c8-0000-7000-8000-00000000e001', 'planted', 'test.planted', ${user})`,
      );
      await tx.execute(sql`insert into postings (id, entry_id, account_id, currency, amount_minor)
        values ('0190a0c8-0000-7000-8000-00000000f001', '0190a0c8-0000-7000-8000-00000000e001', '0190a0c8-0000-7000-8000-00000000a002', 'EGP', 7)`);
      await tx.execute(sql`alter table postings enable trigger user`);
      await tx.execute(sql`alter table journal_entries enable trigger user`);
    });
    const found = (await invariantViolations(db)).filter((v) => !before.includes(v));
    expect(found.sort()).toEqual(
      [
        'journal entry does not balance: 0190a0c8-0000-7000-8000-00000000e001 EGP',
        'journal entry with fewer than two postings: 0190a0c8-0000-7000-8000-00000000e001',
        'ledger balance differs from its postings: revenue',
        'ledger balance differs from its postings: adjustments',
      ].sort(),
    );
  });
});
