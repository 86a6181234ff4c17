import { ROLE_PERMISSIONS, STAFF_ROLES, type Permission, type RoleName } from '../../src/kernel/auth/index.js';
import type { TestApp } from '../setup/app.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

export interface MatrixActor {
  name: string;
  role: RoleName;
  token: string;
  userId: string;
  /** A new session's access token (for routes that end the session they are called with). */
  fresh(): Promise<string>;
}

/** One signed-in actor per account type and staff role (staff roles granted at no particular branch). */
export async function matrixActors(t: TestApp): Promise<MatrixActor[]> {
  const customer = await registerUser(t);
  const doctor = await registerUser(t, { type: 'doctor' });
  const fresh = (email: string, password: string) => async () =>
    (await t.http.post('/v1/auth/login', { identifier: email, password })).body.accessToken as string;
  const actors: MatrixActor[] = [
    {
      name: 'customer',
      role: 'customer',
      token: customer.accessToken,
      userId: customer.user.id,
      fresh: fresh(customer.input.email, customer.input.password),
    },
    {
      name: 'doctor',
      role: 'doctor',
      token: doctor.accessToken,
      userId: doctor.user.id,
      fresh: fresh(doctor.input.email, doctor.input.password),
    },
  ];
  for (const role of STAFF_ROLES) {
    const staff = await createStaff(t, [{ role, branchId: null }]);
    actors.push({
      name: role,
      role,
      token: staff.accessToken,
      userId: staff.user.id,
      fresh: fresh(staff.input.email, staff.input.password),
    });
  }
  return actors;
}

export const holds = (role: RoleName, permission: Permission) =>
  (ROLE_PERMISSIONS[role] as readonly string[]).includes(permission) ||
  (ROLE_PERMISSIONS.customer as readonly string[]).includes(permission);
