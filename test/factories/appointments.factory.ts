import type { TestApp } from '../setup/app.js';
import { createApprovedDoctor } from './providers.factory.js';
import { createStaff } from './user.factory.js';

let adminToken: Promise<string> | undefined;
const admin = (t: TestApp) =>
  (adminToken ??= createStaff(t, [{ role: 'admin', branchId: null }]).then((s) => s.accessToken));

/**
 * An approved doctor working every day, all day, in Cairo (30-minute slots, no notice), free of charge unless
 * `fees` are given.
 */
export async function createBookableDoctor(t: TestApp, fees: { videoFeeMinor?: number } = { videoFeeMinor: 0 }) {
  const doctor = await createApprovedDoctor(t, await admin(t), fees);
  const res = await t.http.request('PUT', '/v1/doctor/availability', {
    token: doctor.accessToken,
    body: {
      timeZone: 'Africa/Cairo',
      slotMinutes: 30,
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      maxDaysAhead: 30,
      weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '24:00' })),
    },
  });
  if (res.status !== 200) throw new Error(`availability failed: ${res.status} ${JSON.stringify(res.body)}`);
  return doctor;
}

/** The patient books the doctor's first free slot two days ahead (a new free doctor unless given). */
export async function bookAppointment(t: TestApp, patientToken: string, doctorId?: string) {
  const doctor = doctorId ?? (await createBookableDoctor(t)).user.id;
  const from = new Date(Date.now() + 2 * 86_400_000).toISOString();
  const slots = await t.http.get(`/v1/doctors/${doctor}/slots?from=${from}`);
  const startsAt = (slots.body.items as { startsAt: string }[] | undefined)?.[0]?.startsAt;
  if (!startsAt) throw new Error(`no slot: ${slots.status} ${JSON.stringify(slots.body)}`);
  const res = await t.http.post('/v1/appointments', { doctorId: doctor, startsAt, type: 'video' }, patientToken);
  if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; doctorId: string; patientId: string; startsAt: string };
}
