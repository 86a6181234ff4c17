import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { buildUser, createStaff, PASSWORD, registerUser } from '../factories/user.factory.js';
import { createBranch } from '../factories/inventory.factory.js';
import { fillDoctorProfile } from '../factories/providers.factory.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof createStaff>>;
beforeAll(async () => {
  t = await bootTestApp();
  admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
});
afterAll(async () => {
  await t.close();
});

describe('admin: access control', () => {
  it('answers 401 without a token and 403 for a customer, doctor or non-admin staff on admin routes', async () => {
    const customer = await registerUser(t);
    const doctor = await registerUser(t, { type: 'doctor' });
    const support = await createStaff(t, [{ role: 'support_agent', branchId: null }]);
    const someone = customer.user.id;
    const routes: [string, string, unknown?][] = [
      ['POST', '/v1/admin/staff', { ...buildUser(), roles: ['admin'] }],
      ['POST', `/v1/admin/users/${someone}/roles`, { roles: ['admin'] }],
      ['POST', `/v1/admin/doctors/${doctor.user.id}/approve`],
      ['POST', `/v1/admin/users/${someone}/suspend`],
    ];
    for (const [method, url, body] of routes) {
      expect((await t.http.request(method as 'POST', url, { body })).status, url).toBe(401);
      for (const who of [customer, doctor, support]) {
        const res = await t.http.request(method as 'POST', url, { body, token: who.accessToken });
        expect(res.status, `${url} as ${who.user.id}`).toBe(403);
        expect(res.body.code).toBe('auth/forbidden');
      }
    }
    expect((await t.http.get('/v1/admin/users', customer.accessToken)).status).toBe(403);
    // support agents may read users
    expect((await t.http.get('/v1/admin/users', support.accessToken)).status).toBe(200);
    expect((await t.http.get('/v1/me', 'not.a.jwt')).status).toBe(401);
  });
});

describe('admin: staff and roles', () => {
  it('creates staff with roles and branch scopes; the new account can log in', async () => {
    const branchA = (await createBranch(t, admin.accessToken)).id;
    const input = buildUser();
    const res = await t.http.post(
      '/v1/admin/staff',
      { name: input.name, email: input.email, password: PASSWORD, roles: ['pharmacist'], branchIds: [branchA] },
      admin.accessToken,
    );
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({
      type: 'staff',
      roles: ['pharmacist'],
      roleAssignments: [{ role: 'pharmacist', branchId: branchA }],
    });
    const login = await t.http.post('/v1/auth/login', { identifier: input.email, password: PASSWORD });
    expect(login.status).toBe(200);
    const dup = await t.http.post(
      '/v1/admin/staff',
      { name: 'Dup', email: input.email, password: PASSWORD, roles: ['admin'] },
      admin.accessToken,
    );
    expect(dup.status).toBe(409);
    const badRole = await t.http.post('/v1/admin/staff', { ...buildUser(), roles: ['superuser'] }, admin.accessToken);
    expect(badRole.status).toBe(400);
  });

  it('assigns and revokes roles; the change applies to live tokens at once', async () => {
    const staff = await createStaff(t, [{ role: 'support_agent', branchId: null }]);
    expect((await t.http.get('/v1/admin/users', staff.accessToken)).status).toBe(200);
    const revoke = await t.http.post(
      `/v1/admin/users/${staff.user.id}/roles`,
      { roles: ['catalog_manager'] },
      admin.accessToken,
    );
    expect(revoke.status).toBe(200);
    expect(revoke.body.user.roles).toEqual(['catalog_manager']);
    expect((await t.http.get('/v1/admin/users', staff.accessToken)).status).toBe(403);
    const grant = await t.http.post(`/v1/admin/users/${staff.user.id}/roles`, { roles: ['admin'] }, admin.accessToken);
    expect(grant.status).toBe(200);
    expect((await t.http.get('/v1/admin/users', staff.accessToken)).status).toBe(200);
    const customer = await registerUser(t);
    expect(
      (await t.http.post(`/v1/admin/users/${customer.user.id}/roles`, { roles: ['admin'] }, admin.accessToken)).status,
    ).toBe(409);
    expect(
      (await t.http.post(`/v1/admin/users/${randomUUID()}/roles`, { roles: ['admin'] }, admin.accessToken)).status,
    ).toBe(404);
    expect(
      (await t.http.post(`/v1/admin/users/not-a-uuid/roles`, { roles: ['admin'] }, admin.accessToken)).status,
    ).toBe(400);
    const audit = (await t.database.db.execute(
      `select count(*)::int as n from audit_log where action = 'identity.roles_changed' and subject_id = '${staff.user.id}'` as never,
    )) as unknown as { rows: { n: number }[] };
    expect(audit.rows[0].n).toBe(2);
  });
});

describe('admin: incremental role changes', () => {
  it('adds and removes roles, revokes one by DELETE, and never lets an admin demote themself', async () => {
    const branch = (await createBranch(t, admin.accessToken)).id;
    const staff = await createStaff(t, [{ role: 'support_agent', branchId: null }]);
    const added = await t.http.post(
      `/v1/admin/users/${staff.user.id}/roles`,
      { add: ['pharmacist'], branchIds: [branch] },
      admin.accessToken,
    );
    expect(added.status).toBe(200);
    expect(added.body.user.roleAssignments).toEqual(
      expect.arrayContaining([
        { role: 'support_agent', branchId: null },
        { role: 'pharmacist', branchId: branch },
      ]),
    );
    const removed = await t.http.post(
      `/v1/admin/users/${staff.user.id}/roles`,
      { remove: ['support_agent'] },
      admin.accessToken,
    );
    expect(removed.body.user.roles).toEqual(['pharmacist']);
    const revoked = await t.http.request('DELETE', `/v1/admin/users/${staff.user.id}/roles/pharmacist`, {
      token: admin.accessToken,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.user.roles).toEqual([]);
    expect(
      (await t.http.request('DELETE', `/v1/admin/users/${staff.user.id}/roles/wizard`, { token: admin.accessToken }))
        .status,
    ).toBe(400);
    expect((await t.http.post(`/v1/admin/users/${staff.user.id}/roles`, {}, admin.accessToken)).status).toBe(400);
    const self = await t.http.post(`/v1/admin/users/${admin.user.id}/roles`, { remove: ['admin'] }, admin.accessToken);
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('identity/cannot-demote-self');
  });

  it('shows one account to staff who may read users, and 404 for an unknown id', async () => {
    const u = await registerUser(t);
    const res = await t.http.get(`/v1/admin/users/${u.user.id}`, admin.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: u.user.id, type: 'customer', roles: ['customer'] });
    expect((await t.http.get(`/v1/admin/users/${randomUUID()}`, admin.accessToken)).status).toBe(404);
    expect((await t.http.get(`/v1/admin/users/${u.user.id}`, u.accessToken)).status).toBe(403);
  });
});

describe('admin: doctors and suspension', () => {
  it('lists pending doctors and approves one', async () => {
    const doctor = await registerUser(t, { type: 'doctor' });
    const pending = await t.http.get(
      '/v1/admin/users?type=doctor&status=pending_approval&limit=100',
      admin.accessToken,
    );
    expect(pending.status).toBe(200);
    expect(pending.body.items.some((u: { id: string }) => u.id === doctor.user.id)).toBe(true);
    await fillDoctorProfile(t, doctor.accessToken, admin.accessToken);
    const approved = await t.http.post(`/v1/admin/doctors/${doctor.user.id}/approve`, undefined, admin.accessToken);
    expect(approved.status).toBe(200);
    expect(approved.body.user.status).toBe('active');
    const customer = await registerUser(t);
    expect(
      (await t.http.post(`/v1/admin/doctors/${customer.user.id}/approve`, undefined, admin.accessToken)).status,
    ).toBe(404);
  });

  it('suspends an account: its sessions end and it cannot log in; reactivation restores login', async () => {
    const u = await registerUser(t);
    const res = await t.http.post(`/v1/admin/users/${u.user.id}/suspend`, { reason: 'fraud check' }, admin.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.user.status).toBe('suspended');
    expect((await t.http.get('/v1/me', u.accessToken)).status).toBe(401);
    expect((await t.http.post('/v1/auth/refresh', { refreshToken: u.refreshToken })).status).toBe(401);
    const login = await t.http.post('/v1/auth/login', { identifier: u.input.email, password: PASSWORD });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('auth/account-suspended');
    expect((await t.http.post(`/v1/admin/users/${admin.user.id}/suspend`, {}, admin.accessToken)).status).toBe(409);
    expect((await t.http.post(`/v1/admin/users/${u.user.id}/reactivate`, undefined, admin.accessToken)).status).toBe(
      200,
    );
    expect((await t.http.post('/v1/auth/login', { identifier: u.input.email, password: PASSWORD })).status).toBe(200);
  });

  it('pages users with an opaque cursor and filters by text', async () => {
    const a = await registerUser(t, { name: 'Zeta Paging Person' });
    const page1 = await t.http.get('/v1/admin/users?limit=2', admin.accessToken);
    expect(page1.body.items).toHaveLength(2);
    expect(typeof page1.body.nextCursor).toBe('string');
    const page2 = await t.http.get(`/v1/admin/users?limit=2&cursor=${page1.body.nextCursor}`, admin.accessToken);
    expect(page2.body.items).toHaveLength(2);
    const ids1 = page1.body.items.map((u: { id: string }) => u.id);
    for (const u of page2.body.items) expect(ids1).not.toContain(u.id);
    expect(page2.body.items[0].id < ids1[1]).toBe(true);
    const found = await t.http.get('/v1/admin/users?q=Zeta%20Paging', admin.accessToken);
    expect(found.body.items.map((u: { id: string }) => u.id)).toContain(a.user.id);
    expect((await t.http.get('/v1/admin/users?limit=1000', admin.accessToken)).status).toBe(400);
    expect((await t.http.get('/v1/admin/users?cursor=garbage', admin.accessToken)).body.code).toBe(
      'common/invalid-cursor',
    );
  });
});

describe('me', () => {
  it('updates profile and locale, refuses taken contacts and unknown fields, and answers errors in Arabic', async () => {
    const u = await registerUser(t);
    const other = await registerUser(t);
    const res = await t.http.patch('/v1/me', { name: 'New Name', locale: 'ar' }, u.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ name: 'New Name', locale: 'ar' });
    expect(
      (await t.http.patch('/v1/me', { email: other.input.email, currentPassword: PASSWORD }, u.accessToken)).status,
    ).toBe(409);
    expect((await t.http.patch('/v1/me', { status: 'active' }, u.accessToken)).status).toBe(400);
    expect((await t.http.patch('/v1/me', {}, u.accessToken)).status).toBe(400);
    const ar = await t.http.request('PATCH', '/v1/me', {
      body: { roles: ['admin'] },
      token: u.accessToken,
      headers: { 'accept-language': 'ar' },
    });
    expect(ar.body.title).toBe('طلب غير صالح');
    const phone = await t.http.patch('/v1/me', { phone: '+201555000111', currentPassword: PASSWORD }, u.accessToken);
    expect(phone.body.user.phoneVerified).toBe(false);
  });

  it('changes the password, ending every session', async () => {
    const u = await registerUser(t);
    const wrong = await t.http.post(
      '/v1/me/password',
      { currentPassword: 'Not-The-Password-1', newPassword: 'Another-Good-One-55' },
      u.accessToken,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('auth/wrong-password');
    const ok = await t.http.post(
      '/v1/me/password',
      { currentPassword: PASSWORD, newPassword: 'Another-Good-One-55' },
      u.accessToken,
    );
    expect(ok.status).toBe(200);
    expect((await t.http.get('/v1/me', u.accessToken)).status).toBe(401);
    expect(
      (await t.http.post('/v1/auth/login', { identifier: u.input.email, password: 'Another-Good-One-55' })).status,
    ).toBe(200);
  });
});

describe('identity events', () => {
  it('publishes registration, approval, suspension and password changes through the outbox, in their transaction', async () => {
    const doctor = await registerUser(t, { type: 'doctor' });
    await fillDoctorProfile(t, doctor.accessToken, admin.accessToken);
    await t.http.post(`/v1/admin/doctors/${doctor.user.id}/approve`, undefined, admin.accessToken);
    await t.http.post(`/v1/admin/users/${doctor.user.id}/suspend`, {}, admin.accessToken);
    await t.http.post(`/v1/admin/users/${doctor.user.id}/reactivate`, undefined, admin.accessToken);
    const customer = await registerUser(t);
    await t.http.post(
      '/v1/me/password',
      { currentPassword: PASSWORD, newPassword: 'Fresh-Secret-Words-31' },
      customer.accessToken,
    );
    const rows = (await t.database.db.execute(
      `select topic, payload->>'userId' as "userId" from outbox where payload->>'userId' in ('${doctor.user.id}', '${customer.user.id}') order by id` as never,
    )) as unknown as { rows: { topic: string; userId: string }[] };
    expect(rows.rows).toEqual([
      { topic: 'identity.user.registered', userId: doctor.user.id },
      { topic: 'identity.doctor.approved', userId: doctor.user.id },
      { topic: 'identity.user.suspended', userId: doctor.user.id },
      { topic: 'identity.user.reactivated', userId: doctor.user.id },
      { topic: 'identity.user.registered', userId: customer.user.id },
      { topic: 'identity.password.changed', userId: customer.user.id },
    ]);
  });
});
