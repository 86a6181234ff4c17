import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await bootTestApp({ DATABASE_POOL_MAX: '12' });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
});

const planBody = (over: Record<string, unknown> = {}) => ({
  nameEn: `Care ${Math.random().toString(36).slice(2, 8)}`,
  nameAr: 'رعاية',
  interval: 'monthly',
  priceMinor: 10_000,
  freeVideoConsultationsPerPeriod: 2,
  freeDelivery: true,
  otcPercentOff: 10,
  ...over,
});
const createPlan = async (over: Record<string, unknown> = {}) => {
  const res = await t.http.request('POST', '/v1/admin/plans', { token: admin, body: planBody(over) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; priceMinor: number; active: boolean };
};

describe('plans: admin and public list', () => {
  it('an admin creates and changes a plan; GET /v1/plans lists the active ones only', async () => {
    const plan = await createPlan();
    expect(plan).toMatchObject({
      interval: 'monthly',
      priceMinor: 10_000,
      active: true,
      benefits: { freeVideoConsultationsPerPeriod: 2, freeDelivery: true, otcPercentOff: 10 },
    });
    const hidden = await createPlan({ active: false });
    const listed = await t.http.get('/v1/plans');
    expect(listed.status).toBe(200);
    const ids = (listed.body as { items: { id: string }[] }).items.map((p) => p.id);
    expect(ids).toContain(plan.id);
    expect(ids).not.toContain(hidden.id);

    const patched = await t.http.request('PATCH', `/v1/admin/plans/${plan.id}`, {
      token: admin,
      body: { priceMinor: 12_000, active: false },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ priceMinor: 12_000, active: false });
    const after = await t.http.get('/v1/plans');
    expect((after.body as { items: { id: string }[] }).items.map((p) => p.id)).not.toContain(plan.id);
  });

  it('refuses bad input as problem+json and a customer as 403; an unknown plan is 404', async () => {
    const bad = await t.http.request('POST', '/v1/admin/plans', {
      token: admin,
      body: planBody({ otcPercentOff: 101, extra: 1 }),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    const c = await registerUser(t);
    const denied = await t.http.request('POST', '/v1/admin/plans', { token: c.accessToken, body: planBody() });
    expect(denied.status).toBe(403);
    const missing = await t.http.request('PATCH', '/v1/admin/plans/0190a000-0000-7000-8000-000000000000', {
      token: admin,
      body: { active: true },
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'plans/plan-not-found' });
    const empty = await t.http.request('PATCH', `/v1/admin/plans/0190a000-0000-7000-8000-000000000000`, {
      token: admin,
      body: {},
    });
    expect(empty.status).toBe(400);
  });
});
