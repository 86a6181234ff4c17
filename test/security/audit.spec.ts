import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff, PASSWORD, registerUser } from '../factories/user.factory.js';

let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp({ LOCKOUT_THRESHOLD: '3' });
});
afterAll(async () => {
  await t.close();
});

interface Row {
  action: string;
  actor_id: string | null;
  actor_type: string;
  outcome: string;
  ip: string | null;
  request_id: string | null;
  subject_id: string | null;
}
async function rowsFor(subjectId: string): Promise<Row[]> {
  const res = (await t.database.db.execute(
    sql`select action, actor_id, actor_type, outcome, ip, request_id, subject_id from audit_log where subject_id = ${subjectId} order by id`,
  )) as unknown as { rows: Row[] };
  return res.rows;
}

describe('security events are audited with actor, IP, request id and outcome', () => {
  it('login success and failure, lockout, refresh reuse, role change and access denied', async () => {
    const u = await registerUser(t);
    const ok = await t.http.post('/v1/auth/login', { identifier: u.input.email, password: PASSWORD });
    for (let i = 0; i < 3; i++)
      await t.http.post('/v1/auth/login', { identifier: u.input.email, password: 'Wrong-Pass-123' });
    const rotated = await t.http.post('/v1/auth/refresh', { refreshToken: ok.body.refreshToken });
    expect(rotated.status).toBe(200);
    // Rotated once more, the first token is past its grace window (its successor is no longer live).
    expect((await t.http.post('/v1/auth/refresh', { refreshToken: rotated.body.refreshToken })).status).toBe(200);
    const reuse = await t.http.post('/v1/auth/refresh', { refreshToken: ok.body.refreshToken });
    expect(reuse.status).toBe(401);

    const rows = await rowsFor(u.user.id);
    const find = (action: string, outcome: string) => rows.find((r) => r.action === action && r.outcome === outcome);
    const login = rows.find((r) => r.action === 'auth.login' && r.request_id === ok.headers['x-request-id']);
    expect(login).toMatchObject({
      actor_id: u.user.id,
      actor_type: 'customer',
      ip: '127.0.0.1',
      request_id: ok.headers['x-request-id'],
    });
    expect(find('auth.login', 'failure')).toMatchObject({ actor_type: 'anonymous', ip: '127.0.0.1' });
    expect(find('auth.lockout', 'success')).toMatchObject({ ip: '127.0.0.1' });
    expect(find('auth.refresh_reuse', 'denied')).toMatchObject({
      ip: '127.0.0.1',
      request_id: reuse.headers['x-request-id'],
    });
    for (const r of rows) expect(r.request_id, r.action).toMatch(/^[0-9a-f-]{36}$/);

    const admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
    const staff = await createStaff(t, [{ role: 'support_agent', branchId: null }]);
    const change = await t.http.post(
      `/v1/admin/users/${staff.user.id}/roles`,
      { add: ['catalog_manager'] },
      admin.accessToken,
    );
    expect((await rowsFor(staff.user.id)).find((r) => r.action === 'identity.roles_changed')).toMatchObject({
      actor_id: admin.user.id,
      outcome: 'success',
      request_id: change.headers['x-request-id'],
    });

    const denied = await t.http.post(`/v1/admin/users/${staff.user.id}/suspend`, {}, u.accessToken);
    expect(denied.status).toBe(403);
    const res = (await t.database.db.execute(
      sql`select actor_id, outcome, subject_id, request_id from audit_log where action = 'access.denied' and request_id = ${String(denied.headers['x-request-id'])}`,
    )) as unknown as { rows: Row[] };
    expect(res.rows).toEqual([
      {
        actor_id: u.user.id,
        outcome: 'denied',
        subject_id: 'POST /v1/admin/users/:id/suspend',
        request_id: denied.headers['x-request-id'],
      },
    ]);
  });

  it('lets nobody, the application included, change or delete audit rows', async () => {
    await expect(
      t.database.db.execute(sql`update audit_log set outcome = 'success' where outcome = 'denied'`),
    ).rejects.toThrow();
    await expect(t.database.db.execute(sql`delete from audit_log`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`truncate audit_log`)).rejects.toThrow();
  });
});
