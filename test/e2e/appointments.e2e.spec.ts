import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppointmentsService } from '../../src/modules/appointments/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { walletBalance } from '../support/stock-and-money.js';
import { creditWallet } from '../factories/payments.factory.js';
import { createApprovedDoctor } from '../factories/providers.factory.js';
import { createBranch } from '../factories/inventory.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

const MISSING = '0190a0c8-0000-7000-8000-00000000dead';
const DAY = 86_400_000;
type Session = Awaited<ReturnType<typeof registerUser>>;

let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp();
});
afterAll(async () => {
  await t.close();
});

let adminSession: Promise<Awaited<ReturnType<typeof createStaff>>> | undefined;
const admin = () => (adminSession ??= createStaff(t, [{ role: 'admin', branchId: null }]));

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
const book = (token: string, body: unknown, key = `book-${randomUUID()}`) =>
  t.http.post('/v1/appointments', body, token, { 'idempotency-key': key });
const cancel = (token: string, id: string, body: unknown = {}) =>
  t.http.post(`/v1/appointments/${id}/cancel`, body, token, { 'idempotency-key': `cancel-${randomUUID()}` });
const balance = (token: string) => walletBalance(t, token);
const slots = async (doctorId: string, query = '') => {
  const res = await t.http.get(`/v1/doctors/${doctorId}/slots${query}`);
  expect(res.status).toBe(200);
  return res.body.items as { startsAt: string; endsAt: string }[];
};

/** An approved doctor (video fee 30000 unless given) working every day, all day, in Cairo. */
async function doctorWith(schedule: Record<string, unknown> = {}, profile: Record<string, unknown> = {}) {
  const doctor = await createApprovedDoctor(t, (await admin()).accessToken, profile);
  const res = await t.http.request('PUT', '/v1/doctor/availability', {
    token: doctor.accessToken,
    body: {
      timeZone: 'Africa/Cairo',
      slotMinutes: 30,
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      maxDaysAhead: 30,
      weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '24:00' })),
      ...schedule,
    },
  });
  if (res.status !== 200) throw new Error(`availability failed: ${res.status} ${JSON.stringify(res.body)}`);
  return doctor;
}

/** A customer with `amount` in the wallet. */
async function patientWith(amount: number): Promise<Session> {
  const patient = await registerUser(t);
  if (amount > 0) await creditWallet(t, patient.user.id, amount);
  return patient;
}

/** The first offered slot at least `afterMs` from now. */
async function slotAfter(doctorId: string, afterMs: number) {
  const from = new Date(Date.now() + afterMs).toISOString();
  const to = new Date(Date.now() + afterMs + DAY).toISOString();
  return (await slots(doctorId, `?from=${from}&to=${to}`))[0];
}

describe('POST /v1/appointments', () => {
  it('books an offered slot, pays from the wallet, lists it for both sides and takes the slot away', async () => {
    const doctor = await doctorWith({ bufferMinutes: 10 });
    const patient = await patientWith(100000);
    const slot = await slotAfter(doctor.user.id, 3 * DAY);
    const res = await book(patient.accessToken, {
      doctorId: doctor.user.id,
      startsAt: slot.startsAt,
      type: 'video',
      reason: 'Headaches',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      doctorId: doctor.user.id,
      patientId: patient.user.id,
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      type: 'video',
      status: 'booked',
      feeMinor: 30000,
      reason: 'Headaches',
      policy: { freeCancelHours: 24, lateCancelFeePercent: 50, rescheduleCap: 2 },
      refundedMinor: 0,
    });
    expect(await balance(patient.accessToken)).toBe(70000);
    const payable = await rows<{ balance_minor: string }>(
      sql`select balance_minor from ledger_accounts where code = ${`doctor_payable:${doctor.user.id}`}`,
    );
    expect(payable.map((r) => Number(r.balance_minor))).toEqual([30000]);

    const mine = await t.http.get('/v1/appointments', patient.accessToken);
    expect(mine.body.items.map((a: { id: string }) => a.id)).toEqual([res.body.id]);
    const theirs = await t.http.get('/v1/doctor/appointments', doctor.accessToken);
    expect(theirs.body.items.map((a: { id: string }) => a.id)).toEqual([res.body.id]);
    expect((await t.http.get(`/v1/appointments/${res.body.id}`, doctor.accessToken)).body.id).toBe(res.body.id);

    // The slot and the buffer after it are gone: the next slot starts after the buffer.
    const day = `?from=${new Date(Date.parse(slot.startsAt) - DAY / 4).toISOString()}&to=${new Date(Date.parse(slot.startsAt) + DAY / 4).toISOString()}`;
    const after = (await slots(doctor.user.id, day)).map((s) => s.startsAt);
    expect(after).not.toContain(slot.startsAt);
    expect(after.some((s) => Date.parse(s) >= Date.parse(slot.endsAt) + 10 * 60_000)).toBe(true);
    expect(
      after.some(
        (s) =>
          Date.parse(s) > Date.parse(slot.startsAt) - 30 * 60_000 &&
          Date.parse(s) < Date.parse(slot.endsAt) + 10 * 60_000,
      ),
    ).toBe(false);

    const events = await rows<{ payload: { to: string; from: string | null } }>(
      sql`select payload from outbox where topic = 'appointment.updated' and payload->>'appointmentId' = ${res.body.id}`,
    );
    expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ from: null, to: 'booked' })]);

    // The same key again answers the same booking and charges nothing more.
    const key = `book-${randomUUID()}`;
    const other = await slotAfter(doctor.user.id, 4 * DAY);
    const body = { doctorId: doctor.user.id, startsAt: other.startsAt, type: 'video' };
    const first = await book(patient.accessToken, body, key);
    const replay = await book(patient.accessToken, body, key);
    expect(first.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect(await balance(patient.accessToken)).toBe(40000);
  });

  it('of 50 parallel bookings of one slot exactly one wins; the wallet is charged once', async () => {
    const doctor = await doctorWith();
    const patients = await Promise.all(Array.from({ length: 5 }, () => patientWith(1_000_000)));
    const slot = await slotAfter(doctor.user.id, 2 * DAY);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        book(patients[i % 5].accessToken, { doctorId: doctor.user.id, startsAt: slot.startsAt, type: 'video' }),
      ),
    );
    const won = results.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    const lost = results.filter((r) => r.status !== 201);
    expect(new Set(lost.map((r) => `${r.status} ${r.body.code}`))).toEqual(new Set(['409 appointments/slot-taken']));
    const balances = await Promise.all(patients.map((p) => balance(p.accessToken)));
    expect(balances.sort((a, b) => a - b)).toEqual([970000, 1_000_000, 1_000_000, 1_000_000, 1_000_000]);
    const count = await rows<{ n: number }>(
      sql`select count(*)::int as n from appointments where doctor_id = ${doctor.user.id}`,
    );
    expect(count[0].n).toBe(1);
  });

  it('a wallet short of the fee leaves nothing; a zero fee books without payment', async () => {
    const doctor = await doctorWith();
    const poor = await patientWith(29999);
    const slot = await slotAfter(doctor.user.id, 2 * DAY);
    const res = await book(poor.accessToken, { doctorId: doctor.user.id, startsAt: slot.startsAt, type: 'video' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('payments/insufficient-funds');
    expect(await balance(poor.accessToken)).toBe(29999);
    expect(await rows(sql`select id from appointments where doctor_id = ${doctor.user.id}`)).toEqual([]);
    expect(
      await rows(
        sql`select id from outbox where topic = 'appointment.updated' and payload->>'doctorId' = ${doctor.user.id}`,
      ),
    ).toEqual([]);
    expect((await slots(doctor.user.id, `?from=${slot.startsAt}&to=${slot.endsAt}`)).map((s) => s.startsAt)).toContain(
      slot.startsAt,
    );

    const free = await doctorWith({}, { videoFeeMinor: 0 });
    const broke = await patientWith(0);
    const freeSlot = await slotAfter(free.user.id, 2 * DAY);
    const ok = await book(broke.accessToken, { doctorId: free.user.id, startsAt: freeSlot.startsAt, type: 'video' });
    expect(ok.status).toBe(201);
    expect(ok.body.feeMinor).toBe(0);
    expect(await rows(sql`select id from journal_entries where ref_id = ${ok.body.id}`)).toEqual([]);
  });

  it('refuses bad input with 400, a slot not offered with 409, and books no one with themselves', async () => {
    const doctor = await doctorWith();
    const patient = await patientWith(100000);
    const slot = await slotAfter(doctor.user.id, 2 * DAY);
    for (const body of [
      {},
      { doctorId: 'nope', startsAt: slot.startsAt, type: 'video' },
      { doctorId: doctor.user.id, startsAt: 'tomorrow', type: 'video' },
      { doctorId: doctor.user.id, startsAt: slot.startsAt, type: 'home' },
      { doctorId: doctor.user.id, startsAt: slot.startsAt, type: 'video', extra: 1 },
      { doctorId: doctor.user.id, startsAt: slot.startsAt, type: 'video', reason: 'x'.repeat(1001) },
    ]) {
      const res = await book(patient.accessToken, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const offGrid = new Date(Date.parse(slot.startsAt) + 7 * 60_000).toISOString();
    const res = await book(patient.accessToken, { doctorId: doctor.user.id, startsAt: offGrid, type: 'video' });
    expect([res.status, res.body.code]).toEqual([409, 'appointments/slot-not-offered']);
    const missing = await book(patient.accessToken, { doctorId: MISSING, startsAt: slot.startsAt, type: 'video' });
    expect(missing.status).toBe(404);
    const self = await book(doctor.accessToken, { doctorId: doctor.user.id, startsAt: slot.startsAt, type: 'video' });
    expect([self.status, self.body.code]).toEqual([409, 'appointments/self-booking']);
    expect(await balance(patient.accessToken)).toBe(100000);
    expect(await rows(sql`select id from appointments where doctor_id = ${doctor.user.id}`)).toEqual([]);
  });
});

describe('GET /v1/appointments/:id', () => {
  it('answers another patient, another doctor and a pharmacist of an unrelated branch 404 like a missing id, with an audit row', async () => {
    const doctor = await doctorWith();
    const patient = await patientWith(100000);
    const slot = await slotAfter(doctor.user.id, 2 * DAY);
    const booked = await book(patient.accessToken, {
      doctorId: doctor.user.id,
      startsAt: slot.startsAt,
      type: 'video',
    });
    const otherPatient = await registerUser(t);
    const otherDoctor = await registerUser(t, { type: 'doctor' });
    const branch = await createBranch(t, (await admin()).accessToken, {
      lat: -10 - Math.random() * 9,
      lng: 60 + Math.random() * 9,
    });
    const pharmacist = await createStaff(t, [{ role: 'pharmacist', branchId: branch.id }]);
    const missing = await t.http.get(`/v1/appointments/${MISSING}`, otherPatient.accessToken);
    expect([missing.status, missing.body.code]).toEqual([404, 'appointments/not-found']);
    for (const who of [otherPatient, otherDoctor]) {
      const res = await t.http.get(`/v1/appointments/${booked.body.id}`, who.accessToken);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'appointments/not-found' });
      const c = await cancel(who.accessToken, booked.body.id);
      expect(c.status).toBe(404);
      expect((await t.http.get('/v1/appointments', who.accessToken)).body.items).toEqual([]);
    }
    expect((await t.http.get('/v1/doctor/appointments', otherDoctor.accessToken)).body.items).toEqual([]);
    expect((await t.http.get('/v1/doctor/appointments', otherPatient.accessToken)).status).toBe(403);
    // Staff hold no appointment of anyone's: a pharmacist's id probe is a missing id too, and audited.
    const probe = await t.http.get(`/v1/appointments/${booked.body.id}`, pharmacist.accessToken);
    expect({ status: probe.status, code: probe.body.code }).toEqual({ status: 404, code: 'appointments/not-found' });
    expect((await cancel(pharmacist.accessToken, booked.body.id)).status).toBe(404);
    expect((await t.http.get('/v1/appointments', pharmacist.accessToken)).body.items).toEqual([]);
    const audit = await rows<{ actor_id: string }>(
      sql`select actor_id from audit_log where action = 'access.denied' and subject_id = ${booked.body.id}`,
    );
    expect(audit.map((a) => a.actor_id).sort()).toEqual(
      [
        otherPatient.user.id,
        otherPatient.user.id,
        otherDoctor.user.id,
        otherDoctor.user.id,
        pharmacist.user.id,
        pharmacist.user.id,
      ].sort(),
    );
    expect((await t.http.get(`/v1/appointments/${booked.body.id}`, patient.accessToken)).body.status).toBe('booked');
  });
});

describe('POST /v1/appointments/:id/cancel', () => {
  it('refunds a patient in full before the free window, and frees the slot', async () => {
    const doctor = await doctorWith();
    const patient = await patientWith(30000);
    const slot = await slotAfter(doctor.user.id, 3 * DAY);
    const booked = await book(patient.accessToken, {
      doctorId: doctor.user.id,
      startsAt: slot.startsAt,
      type: 'video',
    });
    expect(await balance(patient.accessToken)).toBe(0);
    const res = await cancel(patient.accessToken, booked.body.id, { reason: 'Feeling better' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', refundedMinor: 30000, cancelReason: 'Feeling better' });
    expect(await balance(patient.accessToken)).toBe(30000);
    expect((await slots(doctor.user.id, `?from=${slot.startsAt}&to=${slot.endsAt}`)).map((s) => s.startsAt)).toContain(
      slot.startsAt,
    );
    const again = await cancel(patient.accessToken, booked.body.id);
    expect([again.status, again.body.code]).toEqual([409, 'common/illegal-transition']);
    expect(await balance(patient.accessToken)).toBe(30000);
    const events = await rows<{ payload: { from: string | null; to: string } }>(
      sql`select payload from outbox where topic = 'appointment.updated' and payload->>'appointmentId' = ${booked.body.id} order by id`,
    );
    expect(events.map((e) => [e.payload.from, e.payload.to])).toEqual([
      [null, 'booked'],
      ['booked', 'cancelled'],
    ]);
  });

  it('keeps the late fee from a patient inside the window; a doctor’s cancellation refunds in full', async () => {
    const doctor = await doctorWith();
    const patient = await patientWith(60000);
    const soon = await slotAfter(doctor.user.id, 60 * 60_000);
    const late = await book(patient.accessToken, { doctorId: doctor.user.id, startsAt: soon.startsAt, type: 'video' });
    expect(late.status).toBe(201);
    const res = await cancel(patient.accessToken, late.body.id);
    expect(res.body).toMatchObject({ status: 'cancelled', refundedMinor: 15000 });
    expect(await balance(patient.accessToken)).toBe(45000);

    const again = await book(patient.accessToken, { doctorId: doctor.user.id, startsAt: soon.startsAt, type: 'video' });
    expect(again.status).toBe(201);
    expect(await balance(patient.accessToken)).toBe(15000);
    const byDoctor = await cancel(doctor.accessToken, again.body.id);
    expect(byDoctor.body).toMatchObject({ status: 'cancelled', refundedMinor: 30000 });
    expect(await balance(patient.accessToken)).toBe(45000);
  });
});

describe('POST /v1/appointments/:id/reschedule', () => {
  it('moves a booking to another offered slot up to its cap; the old slot is free again', async () => {
    const doctor = await doctorWith();
    const patient = await patientWith(30000);
    const first = await slotAfter(doctor.user.id, 2 * DAY);
    const booked = await book(patient.accessToken, {
      doctorId: doctor.user.id,
      startsAt: first.startsAt,
      type: 'video',
    });
    const move = (token: string, startsAt: string) =>
      t.http.post(`/v1/appointments/${booked.body.id}/reschedule`, { startsAt }, token, {
        'idempotency-key': `move-${randomUUID()}`,
      });
    const second = await slotAfter(doctor.user.id, 3 * DAY);
    const res = await move(patient.accessToken, second.startsAt);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      startsAt: second.startsAt,
      endsAt: second.endsAt,
      reschedules: 1,
      feeMinor: 30000,
    });
    expect(await balance(patient.accessToken)).toBe(0);
    expect(
      (await slots(doctor.user.id, `?from=${first.startsAt}&to=${first.endsAt}`)).map((s) => s.startsAt),
    ).toContain(first.startsAt);

    // The doctor cannot move it, another patient gets 404, a slot not offered 409, bad input 400.
    expect((await move(doctor.accessToken, first.startsAt)).body.code).toBe('appointments/patient-reschedules');
    expect((await move((await registerUser(t)).accessToken, first.startsAt)).status).toBe(404);
    const offGrid = new Date(Date.parse(first.startsAt) + 60_000).toISOString();
    expect((await move(patient.accessToken, offGrid)).body.code).toBe('appointments/slot-not-offered');
    expect((await move(patient.accessToken, 'soon')).status).toBe(400);

    // Another patient holds a slot: slot-taken.
    const other = await patientWith(30000);
    const held = await slotAfter(doctor.user.id, 5 * DAY);
    expect(
      (await book(other.accessToken, { doctorId: doctor.user.id, startsAt: held.startsAt, type: 'video' })).status,
    ).toBe(201);
    expect((await move(patient.accessToken, held.startsAt)).body.code).toBe('appointments/slot-taken');

    expect((await move(patient.accessToken, first.startsAt)).body.reschedules).toBe(2);
    const capped = await move(patient.accessToken, (await slotAfter(doctor.user.id, 6 * DAY)).startsAt);
    expect([capped.status, capped.body.code]).toEqual([409, 'appointments/reschedule-cap']);
    const now = await t.http.get(`/v1/appointments/${booked.body.id}`, patient.accessToken);
    expect(now.body).toMatchObject({ startsAt: first.startsAt, reschedules: 2, status: 'booked' });
    const events = await rows(
      sql`select id from outbox where topic = 'appointment.rescheduled' and payload->>'appointmentId' = ${booked.body.id}`,
    );
    expect(events).toHaveLength(2);
  });
});

describe('the no-show job', () => {
  it('marks a booking nobody started after the grace period, once, and keeps the fee', async () => {
    const doctor = await doctorWith();
    const patient = await patientWith(30000);
    const slot = await slotAfter(doctor.user.id, 2 * DAY);
    const booked = await book(patient.accessToken, {
      doctorId: doctor.user.id,
      startsAt: slot.startsAt,
      type: 'video',
    });
    const recent = await book(patient.accessToken, {
      doctorId: doctor.user.id,
      startsAt: (await slotAfter(doctor.user.id, 3 * DAY)).startsAt,
      type: 'video',
    });
    expect(recent.status).toBe(409); // the wallet is empty now
    const other = await patientWith(30000);
    const soon = await book(other.accessToken, {
      doctorId: doctor.user.id,
      startsAt: (await slotAfter(doctor.user.id, 3 * DAY)).startsAt,
      type: 'video',
    });
    // Started 61 and 10 minutes ago (the grace is 30 minutes; the exclusion constraint keeps them apart).
    for (const [id, minutes] of [
      [booked.body.id, 61],
      [soon.body.id, 10],
    ] as const)
      await t.database.db.execute(
        sql`update appointments set starts_at = now() - make_interval(mins => ${minutes}),
              ends_at = now() - make_interval(mins => ${minutes - 30}), busy_until = now() - make_interval(mins => ${minutes - 30})
            where id = ${id}`,
      );
    const service = t.app.get(AppointmentsService);
    await Promise.all([service.markNoShows(), service.markNoShows()]);
    const statuses = await rows<{ id: string; status: string }>(
      sql`select id, status from appointments where doctor_id = ${doctor.user.id}`,
    );
    expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({
      [booked.body.id]: 'no_show',
      [soon.body.id]: 'booked',
    });
    const events = await rows<{ payload: { from: string; to: string } }>(
      sql`select payload from outbox where topic = 'appointment.updated' and payload->>'appointmentId' = ${booked.body.id} and payload->>'to' = 'no_show'`,
    );
    expect(events).toHaveLength(1);
    expect(await balance(patient.accessToken)).toBe(0);
    const late = await cancel(patient.accessToken, booked.body.id);
    expect([late.status, late.body.code]).toEqual([409, 'common/illegal-transition']);
  });
});
