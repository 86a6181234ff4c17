import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type Res, type TestApp } from '../setup/app.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { fillDoctorProfile } from '../factories/providers.factory.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof createStaff>>;
beforeAll(async () => {
  t = await bootTestApp({ DATABASE_POOL_MAX: '10' });
  admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
});
afterAll(async () => {
  await t.close();
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
const statusOf = async (id: string) =>
  (await rows<{ status: string }>(sql`select status from users where id = ${id}`))[0].status;
const topicsOf = async (id: string) =>
  (
    await rows<{ topic: string }>(
      sql`select topic from outbox where payload->>'userId' = ${id} and topic <> 'identity.user.registered' order by id`,
    )
  ).map((r) => r.topic);
const auditOf = async (id: string) =>
  (
    await rows<{ action: string }>(
      sql`select action from audit_log where subject_id = ${id} and action in ('identity.doctor_approved', 'identity.suspended', 'identity.reactivated') order by at, id`,
    )
  ).map((r) => r.action);

/** Backends of this test's database waiting for a lock (the requests queued behind the test's row lock). */
async function waitForLockWaiters(n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [{ waiting }] = await rows<{ waiting: number }>(
      sql`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if (waiting >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${n} requests reached the lock`);
}

/**
 * Both requests read the doctor while it is pending, then meet at the row: the test holds the row lock
 * until both wait on it, so the two status changes are truly concurrent on every run.
 */
async function raceOnPendingDoctor(): Promise<{ id: string; approve: Res; suspend: Res }> {
  const doctor = await registerUser(t, { type: 'doctor' });
  await fillDoctorProfile(t, doctor.accessToken, admin.accessToken);
  const id = doctor.user.id;
  let approve!: Promise<Res>;
  let suspend!: Promise<Res>;
  await t.database.db.transaction(async (tx) => {
    await tx.execute(sql`select id from users where id = ${id} for update`);
    approve = t.http.post(`/v1/admin/doctors/${id}/approve`, undefined, admin.accessToken);
    suspend = t.http.post(`/v1/admin/users/${id}/suspend`, { reason: 'licence revoked' }, admin.accessToken);
    await waitForLockWaiters(2);
  });
  return { id, approve: await approve, suspend: await suspend };
}

describe('account status: concurrent steps', () => {
  it('a concurrent approve and suspend of one pending doctor: exactly one wins, state, event and audit agree', async () => {
    const winners = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const { id, approve, suspend } = await raceOnPendingDoctor();
      const statuses = [approve.status, suspend.status].sort();
      expect(statuses, JSON.stringify([approve.body, suspend.body])).toEqual([200, 409]);
      const [winner, loser] = approve.status === 200 ? [approve, suspend] : [suspend, approve];
      expect(['common/transition-conflict', 'common/illegal-transition']).toContain(loser.body.code);
      const final = await statusOf(id);
      expect(winner.body.user.status).toBe(final);
      if (winner === approve) {
        winners.add('approve');
        expect(final).toBe('active');
        expect(await topicsOf(id)).toEqual(['identity.doctor.approved']);
        expect(await auditOf(id)).toEqual(['identity.doctor_approved']);
      } else {
        winners.add('suspend');
        expect(final).toBe('suspended');
        expect(await topicsOf(id)).toEqual(['identity.user.suspended']);
        expect(await auditOf(id)).toEqual(['identity.suspended']);
      }
    }
    expect(winners.size).toBeGreaterThan(0);
  });

  it('after the race the loser can be retried from the state the winner left', async () => {
    const { id, approve } = await raceOnPendingDoctor();
    if (approve.status === 200) {
      // Approved first: the suspension, asked again, now applies to the active account.
      const again = await t.http.post(`/v1/admin/users/${id}/suspend`, {}, admin.accessToken);
      expect(again.status).toBe(200);
      expect(await topicsOf(id)).toEqual(['identity.doctor.approved', 'identity.user.suspended']);
    } else {
      // Suspended first: approval must wait for a reactivation (which sends a doctor back to approval).
      const again = await t.http.post(`/v1/admin/doctors/${id}/approve`, undefined, admin.accessToken);
      expect(again.body.code).toBe('identity/account-suspended');
      expect(await topicsOf(id)).toEqual(['identity.user.suspended']);
    }
  });

  it('repeating a step whose end state already holds changes nothing and writes no event', async () => {
    const doctor = await registerUser(t, { type: 'doctor' });
    await fillDoctorProfile(t, doctor.accessToken, admin.accessToken);
    const id = doctor.user.id;
    for (let i = 0; i < 2; i++)
      expect((await t.http.post(`/v1/admin/doctors/${id}/approve`, undefined, admin.accessToken)).status).toBe(200);
    for (let i = 0; i < 2; i++)
      expect((await t.http.post(`/v1/admin/users/${id}/suspend`, {}, admin.accessToken)).status).toBe(200);
    const back = await t.http.post(`/v1/admin/users/${id}/reactivate`, undefined, admin.accessToken);
    expect(back.body.user.status).toBe('pending_approval');
    expect(await topicsOf(id)).toEqual([
      'identity.doctor.approved',
      'identity.user.suspended',
      'identity.user.reactivated',
    ]);
  });
});
