import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxService } from '../../src/kernel/events/index.js';
import { AppointmentCardPayments } from '../../src/modules/appointments/appointments.card.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { FakeStripe, type FakeSession } from '../support/fake-stripe.js';
import { invariantViolations } from '../support/invariants.js';
import { walletBalance } from '../support/stock-and-money.js';
import { createApprovedDoctor } from '../factories/providers.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

/**
 * Appointments paid by card, against the fake Stripe: the booking holds the slot until the webhook books it,
 * an unpaid hold expires and frees it, cancellations give the card back what the policy says, and repeated,
 * late or out-of-order webhooks change nothing more.
 */
const DAY = 86_400_000;
const FEE = 30000;
let t: TestApp;
let stripe: FakeStripe;
let admin: string;
beforeAll(async () => {
  stripe = await new FakeStripe().start();
  t = await bootTestApp({ ...stripe.env(), CARD_MIN_MINOR: '100' });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
  await stripe.stop();
});

const rows = async <T>(q: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;
const book = (token: string, body: unknown, key = `book-${randomUUID()}`) =>
  t.http.post('/v1/appointments', body, token, { 'idempotency-key': key });
const cancel = (token: string, id: string) =>
  t.http.post(`/v1/appointments/${id}/cancel`, {}, token, { 'idempotency-key': `cancel-${randomUUID()}` });
const deliver = async (event: unknown) => {
  const { raw, headers } = stripe.delivery(event);
  const res = await t.http.request('POST', '/v1/payments/webhooks/stripe', { raw, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { outcome: string };
};
const paidEvent = (session: FakeSession) => stripe.event('checkout.session.completed', stripe.pay(session.id));
const appointment = async (token: string, id: string) => (await t.http.get(`/v1/appointments/${id}`, token)).body;
const offered = async (doctorId: string, startsAt: string) => {
  const from = new Date(new Date(startsAt).getTime() - 60_000).toISOString();
  const to = new Date(new Date(startsAt).getTime() + 60_000).toISOString();
  const res = await t.http.get(`/v1/doctors/${doctorId}/slots?from=${from}&to=${to}`);
  return (res.body.items as { startsAt: string }[]).some((s) => s.startsAt === startsAt);
};
const cardRefunds = (id: string) =>
  rows<{ status: string; amount_minor: string }>(
    sql`select r.status, r.amount_minor from card_refunds r join payment_intents i on i.id = r.intent_id
        where i.purpose = 'appointment' and i.ref_id = ${id}`,
  );
const entries = (id: string, kind: string) =>
  rows<{ n: string }>(
    sql`select count(*) as n from journal_entries where ref_type = 'appointment' and ref_id = ${id} and kind = ${kind}`,
  );

/** An approved doctor (video fee FEE unless given) working every day, all day, in Cairo. */
async function doctor(videoFeeMinor = FEE) {
  const d = await createApprovedDoctor(t, admin, { videoFeeMinor });
  const res = await t.http.request('PUT', '/v1/doctor/availability', {
    token: d.accessToken,
    body: {
      timeZone: 'Africa/Cairo',
      slotMinutes: 30,
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      maxDaysAhead: 30,
      weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '24:00' })),
    },
  });
  expect(res.status).toBe(200);
  return d;
}

async function slotAfter(doctorId: string, afterMs: number): Promise<string> {
  const from = new Date(Date.now() + afterMs).toISOString();
  const to = new Date(Date.now() + afterMs + DAY).toISOString();
  const res = await t.http.get(`/v1/doctors/${doctorId}/slots?from=${from}&to=${to}`);
  return (res.body.items as { startsAt: string }[])[0]!.startsAt;
}

/** A fresh patient's card booking of a fresh doctor's slot `afterMs` ahead, and its checkout session. */
async function cardBooking(afterMs = 3 * DAY) {
  const d = await doctor();
  const patient = await registerUser(t);
  const startsAt = await slotAfter(d.user.id, afterMs);
  const res = await book(patient.accessToken, { doctorId: d.user.id, startsAt, type: 'video', paymentMethod: 'card' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { d, patient, startsAt, res, session: stripe.sessionOf(res.body.payment.redirectUrl) };
}

describe('booking by card', () => {
  it('holds the slot unpaid with a checkout page; the webhook books it once, however often and in whatever order it comes', async () => {
    const { d, patient, startsAt, res, session } = await cardBooking();
    expect(res.body).toMatchObject({
      status: 'pending_payment',
      paymentMethod: 'card',
      feeMinor: FEE,
      payment: { status: 'pending', redirectUrl: expect.any(String) },
    });
    expect(new Date(res.body.paymentDueAt).getTime()).toBeGreaterThan(Date.now());
    expect(session).toMatchObject({ amount_total: FEE, metadata: { purpose: 'appointment', ref: res.body.id } });
    const id = res.body.id as string;
    // The hold keeps the time: not offered, and nobody else can book it.
    expect(await offered(d.user.id, startsAt)).toBe(false);
    const rival = await registerUser(t);
    const taken = await book(rival.accessToken, {
      doctorId: d.user.id,
      startsAt,
      type: 'video',
      paymentMethod: 'card',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('appointments/slot-taken');
    // Reading it again answers the same page.
    expect((await appointment(patient.accessToken, id)).payment.redirectUrl).toBe(res.body.payment.redirectUrl);

    const paid = paidEvent(session);
    expect((await deliver(paid)).outcome).toBe('paid: credited to the wallet; appointment booked');
    expect((await deliver(paid)).outcome).toMatch(/^duplicate/);
    // Out of order: the session's expiry after the payment changes nothing.
    expect((await deliver(stripe.event('checkout.session.expired', { ...session, status: 'expired' }))).outcome).toBe(
      'expired ignored: the payment is paid',
    );
    // Another event for the same payment (a second completion) finds it paid.
    expect((await deliver(paidEvent(session))).outcome).toBe('paid ignored: the payment is paid');
    const booked = await appointment(patient.accessToken, id);
    expect(booked).toMatchObject({ status: 'booked', paymentMethod: 'card' });
    expect(booked.payment).toBeUndefined();
    expect(await walletBalance(t, patient.accessToken)).toBe(0);
    expect(await entries(id, 'appointment.payment')).toEqual([{ n: '1' }]);
    const steps = await rows<{ from_status: string | null; to_status: string }>(
      sql`select from_status, to_status from appointment_transitions where appointment_id = ${id} order by created_at, id`,
    );
    expect(steps).toEqual([
      { from_status: null, to_status: 'pending_payment' },
      { from_status: 'pending_payment', to_status: 'booked' },
    ]);
    expect(await offered(d.user.id, startsAt)).toBe(false);
  });

  it('answers a retry with the same Idempotency-Key with the same hold and page', async () => {
    const d = await doctor();
    const patient = await registerUser(t);
    const startsAt = await slotAfter(d.user.id, 2 * DAY);
    const body = { doctorId: d.user.id, startsAt, type: 'video', paymentMethod: 'card' };
    const key = `book-${randomUUID()}`;
    const first = await book(patient.accessToken, body, key);
    const again = await book(patient.accessToken, body, key);
    expect(first.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, payment: { redirectUrl: first.body.payment.redirectUrl } });
    expect(
      await rows(sql`select id from payment_intents where purpose = 'appointment' and ref_id = ${first.body.id}`),
    ).toHaveLength(1);
  });

  it('lets one of many parallel card bookings of a slot hold it', async () => {
    const d = await doctor();
    const startsAt = await slotAfter(d.user.id, 4 * DAY);
    const patients = await Promise.all(Array.from({ length: 8 }, () => registerUser(t)));
    const answers = await Promise.all(
      patients.map((p) => book(p.accessToken, { doctorId: d.user.id, startsAt, type: 'video', paymentMethod: 'card' })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'appointments/slot-taken')).toBe(true);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(7);
  });

  it('books a free appointment at once, with no payment step', async () => {
    const d = await doctor(0);
    const patient = await registerUser(t);
    const startsAt = await slotAfter(d.user.id, 2 * DAY);
    const sessions = stripe.sessions.size;
    const res = await book(patient.accessToken, {
      doctorId: d.user.id,
      startsAt,
      type: 'video',
      paymentMethod: 'card',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'booked', feeMinor: 0, paymentDueAt: null });
    expect(res.body.payment).toBeUndefined();
    expect(stripe.sessions.size).toBe(sessions);
  });

  it('refuses a fee below the gateway minimum for card and leaves nothing', async () => {
    const d = await doctor(50);
    const patient = await registerUser(t);
    const startsAt = await slotAfter(d.user.id, 2 * DAY);
    const res = await book(patient.accessToken, {
      doctorId: d.user.id,
      startsAt,
      type: 'video',
      paymentMethod: 'card',
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('payments/amount-out-of-range');
    expect(await offered(d.user.id, startsAt)).toBe(true);
  });

  it('keeps the wallet as the default payment method', async () => {
    const d = await doctor(0);
    const patient = await registerUser(t);
    const res = await book(patient.accessToken, {
      doctorId: d.user.id,
      startsAt: await slotAfter(d.user.id, 2 * DAY),
      type: 'video',
    });
    expect(res.body).toMatchObject({ status: 'booked', paymentMethod: 'wallet' });
  });
});

describe('an unpaid card booking', () => {
  it('expires after its hold, frees the slot and closes the page; a late payment stays in the wallet', async () => {
    const { d, patient, startsAt, res, session } = await cardBooking();
    const id = res.body.id as string;
    const card = t.app.get(AppointmentCardPayments);
    // Not yet due: nothing happens.
    expect(await card.expireUnpaid()).toBe(0);
    await t.database.db.execute(
      sql`update appointments set payment_due_at = now() - interval '1 minute' where id = ${id}`,
    );
    const [a, b] = await Promise.all([card.expireUnpaid(), card.expireUnpaid()]);
    expect(a + b).toBe(1);
    expect((await appointment(patient.accessToken, id)).status).toBe('expired');
    expect(await offered(d.user.id, startsAt)).toBe(true);
    await t.app.get(OutboxService).relay();
    expect(session.status).toBe('expired');

    const late = await deliver(paidEvent(session));
    expect(late.outcome).toBe('paid: credited to the wallet; appointment expired: the money stays in the wallet');
    expect((await appointment(patient.accessToken, id)).status).toBe('expired');
    expect(await walletBalance(t, patient.accessToken)).toBe(FEE);
    expect(await entries(id, 'appointment.payment')).toEqual([{ n: '0' }]);
    // The freed slot can be booked by someone else.
    const other = await registerUser(t);
    expect(
      (await book(other.accessToken, { doctorId: d.user.id, startsAt, type: 'video', paymentMethod: 'card' })).status,
    ).toBe(201);
  });

  it('can be cancelled with nothing to refund; its page is closed', async () => {
    const { d, patient, startsAt, res, session } = await cardBooking();
    const cancelled = await cancel(patient.accessToken, res.body.id);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', refundedMinor: 0 });
    await t.app.get(OutboxService).relay();
    expect(session.status).toBe('expired');
    expect(await cardRefunds(res.body.id)).toEqual([]);
    expect(await offered(d.user.id, startsAt)).toBe(true);
  });
});

describe('cancelling a card booking', () => {
  async function paidBooking(afterMs: number) {
    const booking = await cardBooking(afterMs);
    await deliver(paidEvent(booking.session));
    return booking;
  }

  it('refunds the card in full within the free window', async () => {
    const { patient, res, session } = await paidBooking(3 * DAY);
    const cancelled = await cancel(patient.accessToken, res.body.id);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', refundedMinor: FEE });
    expect(await cardRefunds(res.body.id)).toEqual([{ status: 'succeeded', amount_minor: String(FEE) }]);
    expect(stripe.refunds.filter((r) => r.payment_intent === session.payment_intent).map((r) => r.amount)).toEqual([
      FEE,
    ]);
    expect(await walletBalance(t, patient.accessToken)).toBe(0);
  });

  it('keeps the late fee of a late patient cancellation and refunds the rest to the card', async () => {
    const { patient, res, session } = await paidBooking(2 * 3_600_000);
    const cancelled = await cancel(patient.accessToken, res.body.id);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', refundedMinor: FEE / 2 });
    expect(stripe.refunds.filter((r) => r.payment_intent === session.payment_intent).map((r) => r.amount)).toEqual([
      FEE / 2,
    ]);
    expect(await walletBalance(t, patient.accessToken)).toBe(0);
    // A second cancellation is refused and refunds nothing more.
    expect((await cancel(patient.accessToken, res.body.id)).status).toBe(409);
    expect(await cardRefunds(res.body.id)).toHaveLength(1);
  });

  it('refunds the card in full when the doctor cancels, however late', async () => {
    const { d, patient, res, session } = await paidBooking(2 * 3_600_000);
    const cancelled = await cancel(d.accessToken, res.body.id);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', refundedMinor: FEE });
    expect(stripe.refunds.filter((r) => r.payment_intent === session.payment_intent).map((r) => r.amount)).toEqual([
      FEE,
    ]);
    expect(await walletBalance(t, patient.accessToken)).toBe(0);
  });

  it('records the refund when the gateway fails and sends it again later', async () => {
    const { patient, res, session } = await paidBooking(3 * DAY);
    stripe.failRefunds = 1;
    const cancelled = await cancel(patient.accessToken, res.body.id);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', refundedMinor: FEE });
    expect(await cardRefunds(res.body.id)).toEqual([{ status: 'requested', amount_minor: String(FEE) }]);
    await t.database.db.execute(
      sql`update card_refunds set updated_at = now() - interval '1 hour' where intent_id in
          (select id from payment_intents where purpose = 'appointment' and ref_id = ${res.body.id})`,
    );
    const { CardRefundsService } = await import('../../src/modules/payments/index.js');
    await t.app.get(CardRefundsService).sendPendingRefunds();
    expect(await cardRefunds(res.body.id)).toEqual([{ status: 'succeeded', amount_minor: String(FEE) }]);
    expect(
      stripe.refunds.filter((r) => r.payment_intent === session.payment_intent && r.status === 'succeeded'),
    ).toHaveLength(1);
  });
});
