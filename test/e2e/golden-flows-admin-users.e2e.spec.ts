import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type MedyourClient } from '../../clients/typescript/src/index.js';
import { buildBranch } from '../factories/inventory.factory.js';
import { buildUser, PASSWORD } from '../factories/user.factory.js';
import { all, bootGolden, refusal, type Golden } from './support/golden.js';

/** Golden flow: an admin manages accounts through @medyour/client: staff, roles, doctors, suspension. */
let g: Golden;
let admin: MedyourClient;
let adminId: string;
const stem = `Goldadmin ${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  g = await bootGolden();
  ({ client: admin, id: adminId } = await g.staffClient([{ role: 'admin', branchId: null }]));
});
afterAll(async () => {
  await g.close();
});

/** A new client signed in with these credentials. */
async function signedIn(identifier: string, password = PASSWORD) {
  const client = g.newClient();
  const { user } = ok(await client.POST('/v1/auth/login', { body: { identifier, password } }));
  return { client, user };
}

describe('golden flow: admin users through @medyour/client', () => {
  it('creates staff at a branch, finds them in the user list, and changes their roles on live tokens', async () => {
    const branch = ok(await admin.POST('/v1/admin/branches', { body: buildBranch() }));
    const input = buildUser({ name: `${stem} Pharmacist` });
    const created = ok(
      await admin.POST('/v1/admin/staff', {
        body: {
          name: input.name,
          email: input.email,
          password: PASSWORD,
          roles: ['pharmacist'],
          branchIds: [branch.id],
        },
      }),
    ).user;
    expect(created).toMatchObject({
      type: 'staff',
      roles: ['pharmacist'],
      roleAssignments: [{ role: 'pharmacist', branchId: branch.id }],
    });
    const taken = await refusal(
      admin.POST('/v1/admin/staff', {
        body: { name: 'Again', email: input.email, password: PASSWORD, roles: ['admin'] },
      }),
    );
    expect(taken).toMatchObject({ status: 409, code: 'identity/contact-taken' });

    const listed = await all(admin.paginate('/v1/admin/users', { query: { type: 'staff', q: stem, limit: 1 } }));
    expect(listed.map((u) => u.id)).toEqual([created.id]);
    const staff = await signedIn(input.email);
    expect(staff.user.id).toBe(created.id);
    const denied = await refusal(staff.client.GET('/v1/admin/users'));
    expect(denied).toMatchObject({ status: 403, code: 'auth/forbidden' });

    const added = ok(
      await admin.POST('/v1/admin/users/{id}/roles', {
        params: { path: { id: created.id } },
        body: { add: ['support_agent'] },
      }),
    ).user;
    expect(added.roles.sort()).toEqual(['pharmacist', 'support_agent']);
    // support agents read users: the grant applies to the token the staff member already holds
    expect(ok(await staff.client.GET('/v1/admin/users/{id}', { params: { path: { id: adminId } } })).user.id).toBe(
      adminId,
    );

    const revoked = ok(
      await admin.DELETE('/v1/admin/users/{id}/roles/{role}', {
        params: { path: { id: created.id, role: 'support_agent' } },
      }),
    ).user;
    expect(revoked.roleAssignments).toEqual([{ role: 'pharmacist', branchId: branch.id }]);
    expect((await refusal(staff.client.GET('/v1/admin/users'))).code).toBe('auth/forbidden');

    const self = await refusal(
      admin.POST('/v1/admin/users/{id}/roles', { params: { path: { id: adminId } }, body: { remove: ['admin'] } }),
    );
    expect(self).toMatchObject({ status: 409, code: 'identity/cannot-demote-self' });
  });

  it('approves a pending doctor after their profile is filled, and lists them in the directory', async () => {
    const doctor = g.newClient();
    const input = buildUser({ name: `${stem} Doctor`, type: 'doctor' });
    const { user } = ok(await doctor.POST('/v1/auth/register', { body: input }));
    expect(user.status).toBe('pending_approval');
    const pending = await all(
      admin.paginate('/v1/admin/users', { query: { type: 'doctor', status: 'pending_approval', q: stem } }),
    );
    expect(pending.map((u) => u.id)).toEqual([user.id]);
    const early = await refusal(admin.POST('/v1/admin/doctors/{id}/approve', { params: { path: { id: user.id } } }));
    expect(early).toMatchObject({ status: 409, code: 'providers/profile-incomplete' });

    const { specialty } = ok(
      await admin.POST('/v1/admin/specialties', { body: { nameEn: `${stem} Cardiology`, nameAr: 'أمراض القلب' } }),
    );
    const licenseExpiresOn = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    ok(
      await doctor.PUT('/v1/doctor/profile', {
        body: {
          specialtyIds: [specialty.id],
          licenseNumber: `EG-${stem}`,
          licenseExpiresOn,
          languages: ['ar', 'en'],
          bioEn: 'Cardiologist',
          bioAr: 'طبيب قلب',
          videoFeeMinor: 25000,
          clinicFeeMinor: 40000,
        },
      }),
    );
    const approved = ok(await admin.POST('/v1/admin/doctors/{id}/approve', { params: { path: { id: user.id } } }));
    expect(approved.user.status).toBe('active');
    expect(ok(await doctor.GET('/v1/me')).user.status).toBe('active');
    const listed = await all(g.newClient().paginate('/v1/doctors', { query: { specialtyId: specialty.id } }));
    expect(listed.map((d) => [d.id, d.name])).toEqual([[user.id, input.name]]);
  });

  it('suspends an account: its session ends and it cannot log in until reactivated', async () => {
    const customer = g.newClient();
    const input = buildUser({ name: `${stem} Customer` });
    const { user } = ok(await customer.POST('/v1/auth/register', { body: input }));
    const suspended = ok(
      await admin.POST('/v1/admin/users/{id}/suspend', {
        params: { path: { id: user.id } },
        body: { reason: 'fraud check' },
      }),
    );
    expect(suspended.user.status).toBe('suspended');
    expect((await refusal(customer.GET('/v1/me'))).status).toBe(401);
    const login = await refusal(signedIn(input.email));
    expect(login).toMatchObject({ status: 403, code: 'auth/account-suspended' });
    const byStatus = await all(admin.paginate('/v1/admin/users', { query: { status: 'suspended', q: stem } }));
    expect(byStatus.map((u) => u.id)).toEqual([user.id]);

    const selfSuspend = await refusal(
      admin.POST('/v1/admin/users/{id}/suspend', { params: { path: { id: adminId } }, body: {} }),
    );
    expect(selfSuspend).toMatchObject({ status: 409, code: 'identity/cannot-suspend-self' });
    const back = ok(await admin.POST('/v1/admin/users/{id}/reactivate', { params: { path: { id: user.id } } }));
    expect(back.user.status).toBe('active');
    expect((await signedIn(input.email)).user.id).toBe(user.id);
    const unknown = await refusal(admin.GET('/v1/admin/users/{id}', { params: { path: { id: randomUUID() } } }));
    expect(unknown).toMatchObject({ status: 404, code: 'identity/user-not-found' });
  });
});
