import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { walletBalance } from '../support/stock-and-money.js';
import { createBookableDoctor } from '../factories/appointments.factory.js';
import { creditWallet } from '../factories/payments.factory.js';
import { insertPlan } from '../factories/plans.factory.js';
import { registerUser } from '../factories/user.factory.js';

/** Booking from a plan's free video consultations (issue 17 "or from a plan entitlement"; issue 18 plans). */
let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp({ DATABASE_POOL_MAX: '12' });
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
});

const FEE = 20_000;
const DAY = 86_400_000;

async function member(freeVideo: number) {
  const patient = await registerUser(t);
  await creditWallet(t, patient.user.id, 100_000);
  const sub = await t.http.request('POST', '/v1/subscriptions', {
    token: patient.accessToken,
    body: { planId: await insertPlan(t, { freeVideo }), paymentMethod: 'wallet' },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(sub.status).toBe(201);
  return patient;
}

async function slots(doctorId: string, days: number) {
  const from = new Date(Date.now() + days * DAY).toISOString();
  const res = await t.http.get(`/v1/doctors/${doctorId}/slots?from=${from}`);
  return (res.body.items as { startsAt: string }[]).map((s) => s.startsAt);
}

const book = (token: string, doctorId: string, startsAt: string, type = 'video') =>
  t.http.request('POST', '/v1/appointments', {
    token,
    body: { doctorId, startsAt, type },
    headers: { 'idempotency-key': randomUUID() },
  });

describe('a plan’s free video consultations', () => {
  it('pay a booking (fee 0, the wallet untouched) until used up; a cancellation in the free window gives one back', async () => {
    const doctor = await createBookableDoctor(t, { videoFeeMinor: FEE });
    const patient = await member(1);
    const before = await walletBalance(t, patient.accessToken);
    const [first, second, third] = await slots(doctor.user.id, 3);

    const free = await book(patient.accessToken, doctor.user.id, first);
    expect(free.status).toBe(201);
    expect(free.body).toMatchObject({ feeMinor: 0, status: 'booked' });
    expect(await walletBalance(t, patient.accessToken)).toBe(before);

    const paid = await book(patient.accessToken, doctor.user.id, second);
    expect(paid.body).toMatchObject({ feeMinor: FEE, status: 'booked' });
    expect(await walletBalance(t, patient.accessToken)).toBe(before - FEE);

    // Three days ahead: inside the free cancellation window, so the consultation is the patient's again.
    const cancelled = await t.http.post(`/v1/appointments/${free.body.id}/cancel`, {}, patient.accessToken);
    expect(cancelled.body.status).toBe('cancelled');
    const again = await book(patient.accessToken, doctor.user.id, third);
    expect(again.body).toMatchObject({ feeMinor: 0 });
    expect(await walletBalance(t, patient.accessToken)).toBe(before - FEE);
  });

  it('of parallel bookings of a member with one free consultation left, exactly one is free, the rest pay', async () => {
    const patient = await member(1);
    const before = await walletBalance(t, patient.accessToken);
    const doctors = await Promise.all([0, 1, 2, 3].map(() => createBookableDoctor(t, { videoFeeMinor: FEE })));
    const picks = await Promise.all(doctors.map(async (d) => ({ id: d.user.id, at: (await slots(d.user.id, 2))[0] })));
    const res = await Promise.all(picks.map((p) => book(patient.accessToken, p.id, p.at)));
    expect(res.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(res.map((r) => r.body.feeMinor).sort((a, b) => a - b)).toEqual([0, FEE, FEE, FEE]);
    expect(await walletBalance(t, patient.accessToken)).toBe(before - 3 * FEE);
  });

  it('covers no one without a plan', async () => {
    const doctor = await createBookableDoctor(t, { videoFeeMinor: FEE });
    const outsider = await registerUser(t);
    await creditWallet(t, outsider.user.id, 50_000);
    const [at] = await slots(doctor.user.id, 2);
    const res = await book(outsider.accessToken, doctor.user.id, at);
    expect(res.body).toMatchObject({ feeMinor: FEE });
  });
});
