import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindValues, openDatabase, type Bind, type Database } from '../../src/db/client.js';
import { bootTestApp, type TestApp } from '../setup/app.js';

/** Database.statement: built once per shape, values filled per call, and (in tests) checked against a fresh build. */
describe('Database.statement', () => {
  let t: TestApp;
  let pglite: Database;
  beforeAll(async () => {
    t = await bootTestApp();
    pglite = await openDatabase({
      dataDir: 'memory://',
      poolMax: 1,
      statementTimeoutMs: 5_000,
      verifyStatements: true,
    });
  });
  afterAll(async () => {
    await t.close();
    await pglite.close();
  });

  const bound = (bind: Bind) =>
    sql`select ${bind('a')}::int + ${bind('b')}::int as sum, ${bind('label')}::text as label`;

  for (const engine of ['postgres', 'pglite'] as const) {
    it(`${engine}: answers each call with its own values from one rendering`, async () => {
      const db = engine === 'postgres' ? t.database : pglite;
      const rows = await Promise.all(
        [1, 2, 3].map((n) =>
          db.statement<{ sum: number; label: string }>('spec:sum', bound, { a: n, b: 10, label: `n${n}` }),
        ),
      );
      expect(rows.map((r) => r[0])).toEqual([
        { sum: 11, label: 'n1' },
        { sum: 12, label: 'n2' },
        { sum: 13, label: 'n3' },
      ]);
    });

    it(`${engine}: refuses a builder that interpolates a value instead of binding it`, async () => {
      const db = engine === 'postgres' ? t.database : pglite;
      let captured = 1;
      const leaky = (bind: Bind) => sql`select ${bind('a')}::int + ${captured}::int as sum`;
      expect((await db.statement<{ sum: number }>(`spec:leaky:${engine}`, leaky, { a: 1 }))[0].sum).toBe(2);
      captured = 5; // would be frozen at 1 in the rendered statement
      await expect(db.statement(`spec:leaky:${engine}`, leaky, { a: 1 })).rejects.toThrow(/differ from a fresh build/);
    });
  }

  it('postgres: runs a statement that asks for the generic plan where PostgreSQL always keeps it, and no other', async () => {
    const mode = (bind: Bind) => sql`select current_setting('plan_cache_mode') as mode, ${bind('n')}::int as n`;
    const [forced] = await t.database.statement<{ mode: string }>('spec:mode', mode, { n: 1 }, { plan: 'generic' });
    const [chosen] = await t.database.statement<{ mode: string }>('spec:mode', mode, { n: 1 });
    const [custom] = await t.database.statement<{ mode: string }>('spec:mode', mode, { n: 1 }, { plan: 'custom' });
    expect(forced.mode).toBe('force_generic_plan');
    expect(chosen.mode).toBe('auto');
    expect(custom.mode).toBe('auto');
  });

  it('names a missing value when a statement is built with its values', () => {
    expect(() => bound(bindValues({ a: 1, b: 2 }))).toThrow(/no value named label/);
  });
});
