import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { App } from '../../src/app.factory.js';
import type { TestApp } from '../setup/app.js';
import { AdminBootstrapService } from '../../src/modules/identity/index.js';
import { users } from '../../src/modules/identity/identity.tables.js';

let seq = 0;
export const PASSWORD = 'Correct-Horse-Battery-42';

export function buildUser(
  overrides: Partial<{
    name: string;
    email: string;
    phone: string;
    password: string;
    type: 'customer' | 'doctor';
    locale: 'en' | 'ar';
  }> = {},
) {
  const n = `${Date.now().toString(36)}${(seq++).toString(36)}${randomUUID().slice(0, 4)}`;
  const phoneDigits = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  return {
    name: `Test User ${n}`,
    email: `user.${n}@example.test`,
    phone: `+2010${phoneDigits}`,
    password: PASSWORD,
    ...overrides,
  };
}

/** Registers through the API and returns the token response. */
export async function registerUser(t: TestApp, overrides: Parameters<typeof buildUser>[0] = {}) {
  const body = buildUser(overrides);
  const res = await t.http.post('/v1/auth/register', body);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, input: body } as {
    accessToken: string;
    refreshToken: string;
    user: { id: string };
    input: typeof body;
  };
}

/**
 * Marks the account's email and phone verified, as if its owner had entered the codes sent to them.
 * Registration leaves both unverified, and codes and password resets go only to verified contacts.
 */
export async function verifyContacts(app: Pick<App, 'database'>, userId: string): Promise<void> {
  const now = new Date();
  await app.database.db.update(users).set({ emailVerifiedAt: now, phoneVerifiedAt: now }).where(eq(users.id, userId));
}

/** A registered account whose contacts are verified (password reset works for it). */
export async function registerVerifiedUser(t: TestApp, overrides: Parameters<typeof buildUser>[0] = {}) {
  const u = await registerUser(t, overrides);
  await verifyContacts(t, u.user.id);
  return u;
}

/** Creates a staff account with roles directly, then logs it in. */
export async function createStaff(t: TestApp, roles: { role: string; branchId: string | null }[]) {
  const body = buildUser();
  await t.app
    .get(AdminBootstrapService)
    .provision({ type: 'staff', name: body.name, email: body.email, password: body.password, roles });
  const res = await t.http.post('/v1/auth/login', { identifier: body.email, password: body.password });
  if (res.status !== 200) throw new Error(`staff login failed: ${res.status}`);
  return { ...res.body, input: body } as {
    accessToken: string;
    refreshToken: string;
    user: { id: string };
    input: typeof body;
  };
}

/**
 * Customer rows written straight to the database, for specs that need real account ids (foreign keys) but
 * never sign in: one insert instead of a registration per id.
 */
export async function insertCustomers(t: TestApp, n: number): Promise<string[]> {
  const rows = Array.from({ length: n }, () => {
    const u = buildUser();
    return { type: 'customer' as const, name: u.name, email: u.email, passwordHash: 'not-a-password-hash' };
  });
  const created = await t.database.db.insert(users).values(rows).returning({ id: users.id });
  return created.map((r) => r.id);
}
