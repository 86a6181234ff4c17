import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { DEMO_ACCOUNTS } from '../../src/db/seed/demo.seed.js';
import { bootTestApp, EMBEDDED, type TestApp } from '../setup/app.js';

async function extensionChecks(db: Database) {
  const q = async <T>(query: ReturnType<typeof sql>) => ((await db.db.execute(query)) as unknown as { rows: T[] }).rows;
  const [row] = await q<{ sim: number; km: number; plain: string; within: boolean }>(sql`
    select similarity('augmentin', 'augmentn') as sim,
           round((earth_distance(ll_to_earth(30.0444, 31.2357), ll_to_earth(31.2001, 29.9187)) / 1000)::numeric) as km,
           unaccent('crème brûlée') as plain,
           cube_contains(cube(array[0,0], array[2,2]), cube(array[1,1])) as within`);
  await db.db.execute(
    sql`create temporary table booking_probe (r tstzrange, doctor int, exclude using gist (doctor with =, r with &&))`,
  );
  await db.db.execute(sql`insert into booking_probe values (tstzrange('2026-01-01 10:00Z', '2026-01-01 10:30Z'), 1)`);
  const overlap = await db.db
    .execute(sql`insert into booking_probe values (tstzrange('2026-01-01 10:15Z', '2026-01-01 10:45Z'), 1)`)
    .then(
      () => 'inserted',
      (err: { cause?: { code?: string }; code?: string }) => err.cause?.code ?? err.code,
    );
  return { ...row, overlap };
}

describe('both engines run the same migrations and extensions', () => {
  let pglite: Database;
  let postgres: Database;
  beforeAll(async () => {
    pglite = await openDatabase({ dataDir: 'memory://', poolMax: 1, statementTimeoutMs: 10_000 });
    await pglite.migrate();
    postgres = await openDatabase({
      url: process.env.TEST_DATABASE_URL,
      dataDir: '',
      poolMax: 2,
      statementTimeoutMs: 10_000,
    });
  });
  afterAll(async () => {
    await pglite.close();
    await postgres.close();
  });

  it.each(['pglite', 'postgres'] as const)(
    '%s: pg_trgm, earthdistance, cube, unaccent and btree_gist work',
    async (engine) => {
      const r = await extensionChecks(engine === 'pglite' ? pglite : postgres);
      expect(r.sim).toBeGreaterThan(0.5);
      expect(Number(r.km)).toBeGreaterThan(170);
      expect(Number(r.km)).toBeLessThan(190);
      expect(r.plain).toBe('creme brulee');
      expect(r.within).toBe(true);
      expect(r.overlap).toBe('23P01'); // exclusion_violation
    },
  );

  it('audit rows cannot be updated or deleted on either engine', async () => {
    for (const db of [pglite, postgres]) {
      await db.db.execute(
        sql`insert into audit_log (id, actor_type, action) values (gen_random_uuid(), 'system', 'probe')`,
      );
      await expect(
        db.db.execute(sql`update audit_log set action = 'changed' where action = 'probe'`),
      ).rejects.toThrow();
      await expect(db.db.execute(sql`delete from audit_log where action = 'probe'`)).rejects.toThrow();
    }
  });
});

describe('embedded mode (PGlite, no Redis)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({
      ...EMBEDDED,
      SEED_DEMO: 'true',
      ADMIN_EMAIL: 'root@example.test',
      ADMIN_PASSWORD: 'Strong-Nile-Pass-91',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('migrates at boot, seeds the demo accounts and lets each log in', async () => {
    expect(t.database.kind).toBe('pglite');
    for (const account of DEMO_ACCOUNTS) {
      const res = await t.http.post('/v1/auth/login', { identifier: account.email, password: account.password });
      expect(res.status, account.email).toBe(200);
      expect(res.body.user.type).toBe(account.type);
    }
    const root = await t.http.post('/v1/auth/login', {
      identifier: 'root@example.test',
      password: 'Strong-Nile-Pass-91',
    });
    expect(root.status).toBe(200);
    expect(root.body.user.roles).toEqual(['admin']);
    const ready = await t.http.get('/health/ready');
    expect(ready.body).toMatchObject({
      status: 'ok',
      mode: 'embedded',
      checks: { database: 'up', redis: 'not_configured' },
    });
  });
});

describe('boot refusals', () => {
  it('refuses a weak ADMIN_PASSWORD with a one-line configuration error', async () => {
    await expect(
      bootTestApp({
        ...EMBEDDED,
        ADMIN_EMAIL: 'boss@example.test',
        ADMIN_PASSWORD: 'password',
      }),
    ).rejects.toThrow(/^Invalid configuration: ADMIN_PASSWORD: /);
  });
});
