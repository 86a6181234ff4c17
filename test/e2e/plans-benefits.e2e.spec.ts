import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlansService, RenewalsService } from '../../src/modules/plans/index.js';
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
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
});

const plans = () => t.app.get(PlansService);
async function subscribed(freeVideo: number, priceMinor = 1_000) {
  const plan = await t.http.request('POST', '/v1/admin/plans', {
    token: admin,
    body: {
      nameEn: 'Care',
      nameAr: 'رعاية',
      interval: 'monthly',
      priceMinor,
      freeVideoConsultationsPerPeriod: freeVideo,
      freeDelivery: true,
      otcPercentOff: 15,
    },
  });
  expect(plan.status).toBe(201);
  const c = await registerUser(t);
  await creditWallet(t, c.user.id, priceMinor * 3);
  const sub = await t.http.request('POST', '/v1/subscriptions', {
    token: c.accessToken,
    body: { planId: plan.body.id, paymentMethod: 'wallet' },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(sub.status, JSON.stringify(sub.body)).toBe(201);
  return { customerId: c.user.id, token: c.accessToken, sub: sub.body as { id: string; currentPeriodEnd: string } };
}

describe('benefits', () => {
  it('benefitsFor answers the plan’s benefits while active, none without a subscription', async () => {
    const { customerId, sub } = await subscribed(2);
    expect(await plans().benefitsFor(customerId)).toEqual({
      subscriptionId: sub.id,
      planId: expect.any(String),
      freeDelivery: true,
      otcPercentOff: 15,
      freeVideoConsultationsLeft: 2,
    });
    const other = await registerUser(t);
    expect(await plans().benefitsFor(other.user.id)).toMatchObject({
      subscriptionId: null,
      freeDelivery: false,
      otcPercentOff: 0,
      freeVideoConsultationsLeft: 0,
    });
    expect(await plans().consumeBenefit(other.user.id, 'video_consultation', 'appointment:x')).toBeNull();
  });

  it('counts uses per period; the same ref is a replay; a release gives it back', async () => {
    const { customerId, token } = await subscribed(2);
    const first = await plans().consumeBenefit(customerId, 'video_consultation', 'appointment:a');
    expect(first).toMatchObject({ periodNo: 1, replayed: false });
    expect(await plans().consumeBenefit(customerId, 'video_consultation', 'appointment:a')).toMatchObject({
      replayed: true,
    });
    expect(await plans().consumeBenefit(customerId, 'video_consultation', 'appointment:b')).not.toBeNull();
    expect(await plans().consumeBenefit(customerId, 'video_consultation', 'appointment:c')).toBeNull();
    expect((await t.http.get('/v1/subscriptions/me', token)).body.subscription.freeVideoConsultationsLeft).toBe(0);
    expect(await plans().releaseBenefit(customerId, 'video_consultation', 'appointment:b')).toBe(true);
    expect(await plans().releaseBenefit(customerId, 'video_consultation', 'appointment:b')).toBe(false);
    expect(await plans().consumeBenefit(customerId, 'video_consultation', 'appointment:c')).not.toBeNull();
  });

  it('a use inside a transaction that rolls back is not counted', async () => {
    const { customerId } = await subscribed(1);
    await expect(
      t.database.db.transaction(async (tx) => {
        expect(await plans().consumeBenefit(customerId, 'video_consultation', 'appointment:rolled', tx)).not.toBeNull();
        throw new Error('booking failed');
      }),
    ).rejects.toThrow('booking failed');
    expect((await plans().benefitsFor(customerId)).freeVideoConsultationsLeft).toBe(1);
  });

  it('parallel consumptions of the last free consultation: exactly one succeeds', async () => {
    for (let round = 0; round < 3; round++) {
      const { customerId } = await subscribed(1);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          plans().consumeBenefit(customerId, 'video_consultation', `appointment:${round}-${i}`),
        ),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await plans().benefitsFor(customerId)).freeVideoConsultationsLeft).toBe(0);
    }
  });

  it('a renewal opens a new period with its free consultations; past_due gives none', async () => {
    const { customerId, sub } = await subscribed(1);
    expect(await plans().consumeBenefit(customerId, 'video_consultation', 'appointment:p1')).not.toBeNull();
    const renewals = t.app.get(RenewalsService);
    expect(await renewals.renewOne(sub.id, new Date(new Date(sub.currentPeriodEnd).getTime() + 1000))).toBe('renewed');
    expect(await plans().consumeBenefit(customerId, 'video_consultation', 'appointment:p2')).toMatchObject({
      periodNo: 2,
    });
  });
});
