import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { buildUser, createStaff, PASSWORD, registerUser } from '../factories/user.factory.js';
import { buildBranch, createBranch, type BranchBody } from '../factories/inventory.factory.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof createStaff>>;
let branchA: BranchBody;
let branchB: BranchBody;
beforeAll(async () => {
  t = await bootTestApp();
  admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
  branchA = await createBranch(t, admin.accessToken);
  branchB = await createBranch(t, admin.accessToken);
});
afterAll(async () => {
  await t.close();
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
const staffBody = (extra: Record<string, unknown>) => {
  const u = buildUser();
  return { name: u.name, email: u.email, password: PASSWORD, ...extra };
};
const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((u) => u.id);

describe('granting branch-scoped roles', () => {
  it('refuses a pharmacist or branch manager without branchIds (400 identity/branch-required), not "every branch"', async () => {
    for (const role of ['pharmacist', 'branch_manager']) {
      const created = await t.http.post('/v1/admin/staff', staffBody({ roles: [role] }), admin.accessToken);
      expect(created.status, role).toBe(400);
      expect(created.body.code).toBe('identity/branch-required');
      expect(created.body.errors).toEqual([expect.objectContaining({ field: 'branchIds' })]);
    }
    const staff = await createStaff(t, [{ role: 'support_agent', branchId: null }]);
    for (const body of [{ add: ['pharmacist'] }, { roles: ['branch_manager', 'support_agent'] }]) {
      const res = await t.http.post(`/v1/admin/users/${staff.user.id}/roles`, body, admin.accessToken);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('identity/branch-required');
    }
    expect((await rows(sql`select role from role_assignments where user_id = ${staff.user.id}`)).length).toBe(1);
    // Roles that are not branch-scoped still need no branch.
    const ok = await t.http.post(`/v1/admin/users/${staff.user.id}/roles`, { add: ['admin'] }, admin.accessToken);
    expect(ok.status).toBe(200);
  });

  it('refuses a branch id that does not exist (400 identity/unknown-branch), storing nothing', async () => {
    const bogus = randomUUID();
    const created = await t.http.post(
      '/v1/admin/staff',
      staffBody({ roles: ['pharmacist'], branchIds: [branchA.id, bogus] }),
      admin.accessToken,
    );
    expect(created.status).toBe(400);
    expect(created.body.code).toBe('identity/unknown-branch');
    expect(await rows(sql`select 1 from role_assignments where branch_id = ${bogus}`)).toEqual([]);
    const staff = await createStaff(t, [{ role: 'support_agent', branchId: null }]);
    const res = await t.http.post(
      `/v1/admin/users/${staff.user.id}/roles`,
      { add: ['branch_manager'], branchIds: [bogus] },
      admin.accessToken,
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('identity/unknown-branch');
    expect(await rows(sql`select role from role_assignments where user_id = ${staff.user.id}`)).toEqual([
      { role: 'support_agent' },
    ]);
  });
});

describe('branch changes are audited', () => {
  it('records branches.create and branches.update with who and what changed', async () => {
    const input = buildBranch();
    const created = await t.http.post('/v1/admin/branches', input, admin.accessToken);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const updated = await t.http.patch(
      `/v1/admin/branches/${id}`,
      { deliveryRadiusKm: 9, nameEn: input.nameEn, active: false },
      admin.accessToken,
    );
    expect(updated.status).toBe(200);
    const audit = await rows<{ action: string; actor_id: string; details: Record<string, unknown> }>(
      sql`select action, actor_id, details from audit_log where subject_type = 'branch' and subject_id = ${id} order by id`,
    );
    expect(audit).toEqual([
      {
        action: 'branches.create',
        actor_id: admin.user.id,
        details: expect.objectContaining({ nameEn: input.nameEn, deliveryRadiusKm: input.deliveryRadiusKm }),
      },
      {
        action: 'branches.update',
        actor_id: admin.user.id,
        // Only what changed: the unchanged name is not listed.
        details: { changes: { deliveryRadiusKm: { from: 5, to: 9 }, active: { from: true, to: false } } },
      },
    ]);
  });
});

describe('a branch manager and the user list', () => {
  it('lists only staff of their branches, never customers or staff elsewhere', async () => {
    const manager = await createStaff(t, [{ role: 'branch_manager', branchId: branchA.id }]);
    const colleague = await createStaff(t, [{ role: 'pharmacist', branchId: branchA.id }]);
    const elsewhere = await createStaff(t, [{ role: 'pharmacist', branchId: branchB.id }]);
    const customer = await registerUser(t);
    const seen = await t.http.get('/v1/admin/users?limit=100', manager.accessToken);
    expect(seen.status).toBe(200);
    expect(ids(seen)).toEqual(expect.arrayContaining([manager.user.id, colleague.user.id]));
    expect(ids(seen)).not.toContain(elsewhere.user.id);
    expect(ids(seen)).not.toContain(customer.user.id);
    expect(seen.body.items.every((u: { type: string }) => u.type === 'staff')).toBe(true);
    const customers = await t.http.get('/v1/admin/users?type=customer&limit=100', manager.accessToken);
    expect(customers.body.items).toEqual([]);
    const byText = await t.http.get(
      `/v1/admin/users?q=${encodeURIComponent(customer.input.email)}`,
      manager.accessToken,
    );
    expect(byText.body.items).toEqual([]);
    // One account by id: a customer or staff elsewhere is as absent as a missing id.
    expect((await t.http.get(`/v1/admin/users/${colleague.user.id}`, manager.accessToken)).status).toBe(200);
    for (const other of [customer.user.id, elsewhere.user.id])
      expect((await t.http.get(`/v1/admin/users/${other}`, manager.accessToken)).status).toBe(404);
  });

  it('looks a customer up by exact email or phone only, and each lookup is audited', async () => {
    const manager = await createStaff(t, [{ role: 'branch_manager', branchId: branchA.id }]);
    const customer = await registerUser(t);
    const byEmail = await t.http.get(
      `/v1/admin/users?email=${encodeURIComponent(customer.input.email.toUpperCase())}`,
      manager.accessToken,
    );
    expect(byEmail.status).toBe(200);
    expect(ids(byEmail)).toEqual([customer.user.id]);
    const byPhone = await t.http.get(
      `/v1/admin/users?phone=${encodeURIComponent(customer.input.phone)}`,
      manager.accessToken,
    );
    expect(ids(byPhone)).toEqual([customer.user.id]);
    const partial = await t.http.get(
      `/v1/admin/users?email=${encodeURIComponent(customer.input.email.slice(1))}`,
      manager.accessToken,
    );
    expect(partial.body.items).toEqual([]);
    expect((await t.http.get('/v1/admin/users?phone=0100', manager.accessToken)).status).toBe(400);
    const audit = await rows<{ subject_id: string | null; details: { by: string } }>(
      sql`select subject_id, details from audit_log where action = 'identity.user_lookup' and actor_id = ${manager.user.id} order by id`,
    );
    expect(audit).toEqual([
      { subject_id: customer.user.id, details: { by: 'email' } },
      { subject_id: customer.user.id, details: { by: 'phone' } },
      { subject_id: null, details: { by: 'email' } },
    ]);
  });

  it('an admin still lists every account', async () => {
    const customer = await registerUser(t, { name: `Listed Customer ${randomUUID().slice(0, 8)}` });
    const res = await t.http.get(`/v1/admin/users?q=${encodeURIComponent(customer.input.name)}`, admin.accessToken);
    expect(ids(res)).toEqual([customer.user.id]);
    expect(res.body.items[0].email).toBe(customer.input.email);
  });
});
