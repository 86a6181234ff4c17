import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RenewalsService } from '../../src/modules/plans/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { creditWallet } from '../factories/payments.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await bootTestApp({ DATABASE_POOL_MAX: '12' });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
});
const rows = async <T>(q: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;
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

const subscribe = (token: string, planId: string, paymentMethod = 'wallet', key = randomUUID()) =>
  t.http.request('POST', '/v1/subscriptions', {
    token,
    body: { planId, paymentMethod },
    headers: { 'idempotency-key': key },
  });
const cancel = (token: string, id: string) =>
  t.http.request('POST', `/v1/subscriptions/${id}/cancel`, {
    token,
    body: {},
    headers: { 'idempotency-key': randomUUID() },
  });
const walletOf = async (customerId: string) =>
  Number(
    (
      await rows<{ balance: string }>(
        sql`select coalesce(sum(balance_minor), 0) as balance from ledger_accounts where code = ${`wallet:${customerId}`}`,
      )
    )[0]?.balance ?? 0,
  );

describe('subscriptions', () => {
  it('subscribes from the wallet (charged at once), reads it back, cancels at period end', async () => {
    const plan = await createPlan({ priceMinor: 5_000 });
    const c = await registerUser(t);
    await creditWallet(t, c.user.id, 8_000);
    const key = randomUUID();
    const res = await subscribe(c.accessToken, plan.id, 'wallet', key);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      planId: plan.id,
      status: 'active',
      priceMinor: 5_000,
      periodNo: 1,
      cancelAtPeriodEnd: false,
      freeVideoConsultationsLeft: 2,
    });
    expect(await walletOf(c.user.id)).toBe(3_000);
    // The same key answers the same subscription and charges nothing more.
    const replay = await subscribe(c.accessToken, plan.id, 'wallet', key);
    expect(replay.body.id).toBe(res.body.id);
    expect(await walletOf(c.user.id)).toBe(3_000);
    // A second one is refused.
    const second = await subscribe(c.accessToken, plan.id);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'plans/already-subscribed' });

    const me = await t.http.get('/v1/subscriptions/me', c.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.subscription.id).toBe(res.body.id);

    const cancelled = await cancel(c.accessToken, res.body.id);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect((await cancel(c.accessToken, res.body.id)).body).toMatchObject({ code: 'plans/already-cancelled' });
    const events = await rows<{ payload: { change: string } }>(
      sql`select payload from outbox where topic = 'subscription.updated' and payload->>'subscriptionId' = ${res.body.id} order by id`,
    );
    expect(events.map((e) => e.payload.change)).toEqual(['subscribed', 'cancel_requested']);
  });

  it('refuses a wallet that cannot pay, leaving nothing; card is 400; an inactive plan is 400', async () => {
    const plan = await createPlan({ priceMinor: 5_000 });
    const c = await registerUser(t);
    await creditWallet(t, c.user.id, 1_000);
    const poor = await subscribe(c.accessToken, plan.id);
    expect(poor.status).toBe(409);
    expect(poor.body).toMatchObject({ code: 'payments/insufficient-funds' });
    expect((await t.http.get('/v1/subscriptions/me', c.accessToken)).body).toEqual({ subscription: null });
    const card = await subscribe(c.accessToken, plan.id, 'card');
    expect(card.status).toBe(400);
    expect(card.body).toMatchObject({ code: 'plans/card-unavailable' });
    const off = await createPlan({ active: false });
    expect((await subscribe(c.accessToken, off.id)).body).toMatchObject({ code: 'plans/plan-inactive' });
    expect((await subscribe(c.accessToken, plan.id, 'bitcoin')).status).toBe(400);
  });

  it('two parallel subscribes of one customer: exactly one wins', async () => {
    const plan = await createPlan({ priceMinor: 1_000 });
    const c = await registerUser(t);
    await creditWallet(t, c.user.id, 10_000);
    const results = await Promise.all(Array.from({ length: 5 }, () => subscribe(c.accessToken, plan.id)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await walletOf(c.user.id)).toBe(9_000);
  });

  it('another customer’s subscription answers 404 on cancel', async () => {
    const plan = await createPlan({ priceMinor: 0 });
    const a = await registerUser(t);
    const b = await registerUser(t);
    const sub = await subscribe(a.accessToken, plan.id);
    expect(sub.status).toBe(201);
    const theirs = await cancel(b.accessToken, sub.body.id);
    expect(theirs.status).toBe(404);
    expect(theirs.body).toMatchObject({ code: 'plans/subscription-not-found' });
  });
});

const DAY = 86_400_000;
const renewals = () => t.app.get(RenewalsService);
const subRow = async (id: string) =>
  (
    await rows<{
      status: string;
      period_no: number;
      current_period_start: string;
      current_period_end: string;
      grace_until: string | null;
      next_retry_at: string | null;
    }>(sql`select * from subscriptions where id = ${id}`)
  )[0]!;
const changes = async (id: string) =>
  (
    await rows<{ payload: { change: string } }>(
      sql`select payload from outbox where topic = 'subscription.updated' and payload->>'subscriptionId' = ${id} order by id`,
    )
  ).map((e) => e.payload.change);
const at = (iso: string, plusMs: number) => new Date(new Date(iso).getTime() + plusMs);

describe('renewals', () => {
  it('renews from the wallet at period end; a failed charge goes past_due, a later payment reactivates', async () => {
    const plan = await createPlan({ priceMinor: 1_000 });
    const c = await registerUser(t);
    await creditWallet(t, c.user.id, 2_500);
    const sub = (await subscribe(c.accessToken, plan.id)).body as { id: string; currentPeriodEnd: string };
    expect(await renewals().renewOne(sub.id, at(sub.currentPeriodEnd, -1000))).toBe('skipped');
    // Through the job's entry point: everything due at that instant.
    await renewals().renewDue(at(sub.currentPeriodEnd, 1000));
    const renewed = await subRow(sub.id);
    expect(renewed).toMatchObject({ status: 'active', period_no: 2 });
    expect(new Date(renewed.current_period_start).toISOString()).toBe(sub.currentPeriodEnd);
    expect(await walletOf(c.user.id)).toBe(500);
    // Not due again until the new period ends.
    expect(await renewals().renewOne(sub.id, at(sub.currentPeriodEnd, 2000))).toBe('skipped');

    const end2 = new Date(renewed.current_period_end).toISOString();
    const failedAt = at(end2, 1000);
    expect(await renewals().renewOne(sub.id, failedAt)).toBe('past_due');
    const pastDue = await subRow(sub.id);
    expect(pastDue.status).toBe('past_due');
    expect(new Date(pastDue.grace_until!).toISOString()).toBe(at(end2, 3 * DAY).toISOString());
    expect(new Date(pastDue.next_retry_at!).toISOString()).toBe(at(failedAt.toISOString(), DAY).toISOString());
    expect(await walletOf(c.user.id)).toBe(500);
    // Benefits are off while past_due.
    expect((await t.http.get('/v1/subscriptions/me', c.accessToken)).body.subscription).toMatchObject({
      status: 'past_due',
      freeVideoConsultationsLeft: 0,
    });
    expect(await renewals().renewOne(sub.id, at(failedAt.toISOString(), DAY / 2))).toBe('skipped');

    await creditWallet(t, c.user.id, 1_000);
    const paidAt = at(failedAt.toISOString(), DAY + 1000);
    expect(await renewals().renewOne(sub.id, paidAt)).toBe('reactivated');
    const back = await subRow(sub.id);
    expect(back).toMatchObject({ status: 'active', period_no: 3, grace_until: null, next_retry_at: null });
    expect(new Date(back.current_period_start).toISOString()).toBe(paidAt.toISOString());
    expect(await walletOf(c.user.id)).toBe(500);
    expect(await changes(sub.id)).toEqual(['subscribed', 'renewed', 'renewal_failed', 'reactivated']);
  });

  it('retries daily during grace, then expires; the customer may subscribe again', async () => {
    const plan = await createPlan({ priceMinor: 1_000 });
    const c = await registerUser(t);
    await creditWallet(t, c.user.id, 1_000);
    const sub = (await subscribe(c.accessToken, plan.id)).body as { id: string; currentPeriodEnd: string };
    const end = sub.currentPeriodEnd;
    expect(await renewals().renewOne(sub.id, at(end, 1000))).toBe('past_due');
    expect(await renewals().renewOne(sub.id, at(end, DAY + 1000))).toBe('retry_failed');
    expect(await renewals().renewOne(sub.id, at(end, 2 * DAY + 1000))).toBe('retry_failed');
    // The last retry is at the end of grace, not a day after it.
    expect(new Date((await subRow(sub.id)).next_retry_at!).toISOString()).toBe(at(end, 3 * DAY).toISOString());
    expect(await renewals().renewOne(sub.id, at(end, 3 * DAY))).toBe('expired');
    expect((await subRow(sub.id)).status).toBe('expired');
    expect(await changes(sub.id)).toEqual([
      'subscribed',
      'renewal_failed',
      'renewal_failed',
      'renewal_failed',
      'expired',
    ]);
    expect((await t.http.get('/v1/subscriptions/me', c.accessToken)).body).toEqual({ subscription: null });
    await creditWallet(t, c.user.id, 1_000);
    expect((await subscribe(c.accessToken, plan.id)).status).toBe(201);
  });

  it('a cancel at period end ends it then, charging nothing', async () => {
    const plan = await createPlan({ priceMinor: 1_000 });
    const c = await registerUser(t);
    await creditWallet(t, c.user.id, 5_000);
    const sub = (await subscribe(c.accessToken, plan.id)).body as { id: string; currentPeriodEnd: string };
    await cancel(c.accessToken, sub.id);
    expect(await renewals().renewOne(sub.id, at(sub.currentPeriodEnd, 1000))).toBe('cancelled');
    expect((await subRow(sub.id)).status).toBe('cancelled');
    expect(await walletOf(c.user.id)).toBe(4_000);
    expect(await changes(sub.id)).toEqual(['subscribed', 'cancel_requested', 'cancelled']);
  });

  it('a past_due cancel ends it at once', async () => {
    const plan = await createPlan({ priceMinor: 1_000 });
    const c = await registerUser(t);
    await creditWallet(t, c.user.id, 1_000);
    const sub = (await subscribe(c.accessToken, plan.id)).body as { id: string; currentPeriodEnd: string };
    expect(await renewals().renewOne(sub.id, at(sub.currentPeriodEnd, 1000))).toBe('past_due');
    const res = await cancel(c.accessToken, sub.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled' });
    expect((await cancel(c.accessToken, sub.id)).body).toMatchObject({ code: 'common/illegal-transition' });
  });

  it('two parallel renewals of one period charge it once', async () => {
    const plan = await createPlan({ priceMinor: 1_000 });
    const c = await registerUser(t);
    await creditWallet(t, c.user.id, 5_000);
    const sub = (await subscribe(c.accessToken, plan.id)).body as { id: string; currentPeriodEnd: string };
    const now = at(sub.currentPeriodEnd, 1000);
    const outcomes = await Promise.all([1, 2, 3].map(() => renewals().renewOne(sub.id, now)));
    expect(outcomes.filter((o) => o === 'renewed')).toHaveLength(1);
    expect(await walletOf(c.user.id)).toBe(3_000);
    expect((await subRow(sub.id)).period_no).toBe(2);
  });
});
