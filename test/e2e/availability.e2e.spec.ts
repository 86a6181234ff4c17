import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvailabilitySeams } from '../../src/modules/availability/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { createApprovedDoctor } from '../factories/providers.factory.js';

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
const put = (token: string, body: unknown) => t.http.request('PUT', '/v1/doctor/availability', { token, body });
const slots = (doctorId: string, query = '') => t.http.get(`/v1/doctors/${doctorId}/slots${query}`);
const addTimeOff = (token: string, body: unknown) => t.http.post('/v1/doctor/time-off', body, token);

/** The wall clock of an instant in a zone, 'YYYY-MM-DD HH:mm'. */
const wall = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
/** The date `days` after today on the zone's clocks. */
const localDate = (days: number, timeZone: string) =>
  wall(new Date(Date.now() + days * DAY).toISOString(), timeZone).slice(0, 10);

const CAIRO = 'Africa/Cairo';
const schedule = (over: Record<string, unknown> = {}) => ({
  timeZone: CAIRO,
  slotMinutes: 30,
  bufferMinutes: 0,
  minNoticeMinutes: 0,
  maxDaysAhead: 30,
  weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '09:00', end: '12:00' })),
  ...over,
});

/** An approved doctor (providers gate the slot search: approved, licence valid) with this schedule. */
async function doctorWith(body: Record<string, unknown> = schedule()): Promise<Session> {
  const doctor = await createApprovedDoctor(t, (await admin()).accessToken);
  const res = await put(doctor.accessToken, body);
  if (res.status !== 200) throw new Error(`PUT availability failed: ${res.status} ${JSON.stringify(res.body)}`);
  return doctor;
}

describe('PUT/GET /v1/doctor/availability', () => {
  it('keeps the doctor’s schedule in their zone, several intervals a day, as it was set', async () => {
    const doctor = await registerUser(t, { type: 'doctor' });
    expect((await t.http.get('/v1/doctor/availability', doctor.accessToken)).body.code).toBe('availability/not-set');
    const body = schedule({
      timeZone: 'europe/berlin',
      bufferMinutes: 10,
      weekly: [
        { day: 1, start: '14:00', end: '18:00' },
        { day: 1, start: '09:00', end: '12:00' },
        { day: 5, start: '20:00', end: '24:00' },
      ],
      overrides: [{ date: '2030-01-07', intervals: [] }],
    });
    const res = await put(doctor.accessToken, body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      doctorId: doctor.user.id,
      timeZone: 'Europe/Berlin',
      slotMinutes: 30,
      bufferMinutes: 10,
      minNoticeMinutes: 0,
      maxDaysAhead: 30,
      weekly: [
        { day: 1, start: '09:00', end: '12:00' },
        { day: 1, start: '14:00', end: '18:00' },
        { day: 5, start: '20:00', end: '24:00' },
      ],
      overrides: [{ date: '2030-01-07', intervals: [] }],
      updatedAt: expect.any(String),
    });
    expect((await t.http.get('/v1/doctor/availability', doctor.accessToken)).body).toEqual(res.body);
    // A second PUT replaces the whole schedule.
    const again = await put(doctor.accessToken, schedule());
    expect(again.body.weekly).toHaveLength(7);
    expect(again.body.overrides).toEqual([]);
  });

  it('refuses bad schedules with 400 problem+json and keeps the one it had', async () => {
    const doctor = await doctorWith();
    const before = (await t.http.get('/v1/doctor/availability', doctor.accessToken)).body;
    const bad: [string, Record<string, unknown>][] = [
      ['timeZone', schedule({ timeZone: 'Mars/Olympus' })],
      ['timeZone', schedule({ timeZone: '+02:00' })],
      [
        'weekly.1.start',
        schedule({
          weekly: [
            { day: 2, start: '09:00', end: '12:00' },
            { day: 2, start: '11:30', end: '13:00' },
          ],
        }),
      ],
      ['weekly.0.end', schedule({ weekly: [{ day: 2, start: '12:00', end: '12:00' }] })],
      ['weekly.0.end', schedule({ weekly: [{ day: 2, start: '22:00', end: '02:00' }] })],
      ['weekly.0.start', schedule({ weekly: [{ day: 2, start: '25:00', end: '26:00' }] })],
      ['weekly.0.day', schedule({ weekly: [{ day: 7, start: '09:00', end: '10:00' }] })],
      ['slotMinutes', schedule({ slotMinutes: 0 })],
      ['slotMinutes', schedule({ slotMinutes: 12.5 })],
      ['bufferMinutes', schedule({ bufferMinutes: -5 })],
      ['maxDaysAhead', schedule({ maxDaysAhead: 0 })],
      ['minNoticeMinutes', schedule({ minNoticeMinutes: 1e9 })],
      [
        'overrides.1.date',
        schedule({
          overrides: [
            { date: '2030-01-07', intervals: [] },
            { date: '2030-01-07', intervals: [] },
          ],
        }),
      ],
      ['overrides.0.date', schedule({ overrides: [{ date: '2030-02-30', intervals: [] }] })],
      [
        'overrides.0.intervals.1.start',
        schedule({
          overrides: [
            {
              date: '2030-01-07',
              intervals: [
                { start: '09:00', end: '10:00' },
                { start: '09:30', end: '11:00' },
              ],
            },
          ],
        }),
      ],
      ['', { ...schedule(), color: 'blue' }],
    ];
    for (const [field, body] of bad) {
      const res = await put(doctor.accessToken, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field)
        expect(
          res.body.errors.map((e: { field: string }) => e.field),
          JSON.stringify(res.body),
        ).toContain(field);
    }
    expect((await t.http.get('/v1/doctor/availability', doctor.accessToken)).body).toEqual(before);
  });

  it('is self-only: another doctor’s PUT changes only their own schedule', async () => {
    const a = await doctorWith();
    const b = await registerUser(t, { type: 'doctor' });
    const before = (await t.http.get('/v1/doctor/availability', a.accessToken)).body;
    // There is no doctor id to name: a doctorId in the body is an unknown field.
    expect((await put(b.accessToken, { ...schedule(), doctorId: a.user.id })).status).toBe(400);
    expect((await put(b.accessToken, schedule({ slotMinutes: 60 }))).body.doctorId).toBe(b.user.id);
    expect((await t.http.get('/v1/doctor/availability', a.accessToken)).body).toEqual(before);
  });

  it('is for doctors: customers get 403, staff (holding every permission) 404 not-a-doctor', async () => {
    const customer = await registerUser(t);
    const admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
    for (const [method, url, body] of [
      ['PUT', '/v1/doctor/availability', schedule()],
      ['GET', '/v1/doctor/availability', undefined],
      ['POST', '/v1/doctor/time-off', { startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-02T00:00:00Z' }],
      ['GET', `/v1/doctor/time-off/${MISSING}`, undefined],
      ['GET', '/v1/doctor/time-off', undefined],
      ['DELETE', `/v1/doctor/time-off/${MISSING}`, undefined],
    ] as const) {
      const res = await t.http.request(method, url, { token: customer.accessToken, body });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.code).toBe('auth/forbidden');
      const staff = await t.http.request(method, url, { token: admin.accessToken, body });
      expect(staff.status, `${method} ${url} as admin`).toBe(404);
      expect(staff.body.code).toBe('availability/not-a-doctor');
      expect((await t.http.request(method, url, { body })).status).toBe(401);
    }
    expect(await rows(sql`select 1 from doctor_availability where doctor_id = ${admin.user.id}`)).toEqual([]);
  });
});

describe('GET /v1/doctors/:id/slots', () => {
  it('offers the day’s slots on the doctor’s clocks as UTC instants, with the zone', async () => {
    const doctor = await doctorWith();
    const day = localDate(2, CAIRO);
    const res = await slots(doctor.user.id, `?from=${day}&to=${day}`);
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe(CAIRO);
    expect(res.body.doctorId).toBe(doctor.user.id);
    expect(res.body.items.map((s: { startsAt: string }) => wall(s.startsAt, CAIRO))).toEqual(
      ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'].map((h) => `${day} ${h}`),
    );
    for (const s of res.body.items) {
      expect(s.startsAt).toMatch(/Z$/);
      expect(Date.parse(s.endsAt) - Date.parse(s.startsAt)).toBe(30 * 60_000);
    }
    // The window is the doctor's whole day: from its local midnight to the next.
    expect(wall(res.body.from, CAIRO)).toBe(`${day} 00:00`);
    expect(wall(res.body.to, CAIRO)).toBe(`${localDate(3, CAIRO)} 00:00`);
    // Instants work too, and the default window is the next 7 days (slots each day).
    const instants = await slots(
      doctor.user.id,
      `?from=${res.body.items[1].startsAt}&to=${res.body.items[3].startsAt}`,
    );
    expect(instants.body.items).toEqual(res.body.items.slice(1, 3));
    const week = await slots(doctor.user.id);
    expect(week.body.items.length).toBeGreaterThanOrEqual(6 * 6);
    expect(week.body.items.length).toBeLessThanOrEqual(8 * 6);
  });

  it('time off removes the slots it overlaps; deleting it gives them back', async () => {
    const doctor = await doctorWith();
    const day = localDate(3, CAIRO);
    const all = (await slots(doctor.user.id, `?from=${day}&to=${day}`)).body.items as { startsAt: string }[];
    const off = await addTimeOff(doctor.accessToken, {
      startsAt: all[2].startsAt,
      endsAt: all[4].startsAt,
      reason: 'conference',
    });
    expect(off.status).toBe(201);
    expect(off.body).toEqual({
      id: expect.any(String),
      startsAt: all[2].startsAt,
      endsAt: all[4].startsAt,
      reason: 'conference',
      createdAt: expect.any(String),
    });
    const during = (await slots(doctor.user.id, `?from=${day}&to=${day}`)).body.items;
    expect(during).toEqual([all[0], all[1], all[4], all[5]]);
    expect((await t.http.get(`/v1/doctor/time-off/${off.body.id}`, doctor.accessToken)).body).toEqual(off.body);
    const del = await t.http.request('DELETE', `/v1/doctor/time-off/${off.body.id}`, { token: doctor.accessToken });
    expect(del.status).toBe(204);
    expect((await slots(doctor.user.id, `?from=${day}&to=${day}`)).body.items).toEqual(all);
    expect((await t.http.get(`/v1/doctor/time-off/${off.body.id}`, doctor.accessToken)).status).toBe(404);
    const bad = [
      { startsAt: all[2].startsAt, endsAt: all[2].startsAt },
      { startsAt: all[2].startsAt },
      { startsAt: 'tomorrow', endsAt: all[2].startsAt },
      { startsAt: '2030-01-01T00:00:00Z', endsAt: '2032-01-01T00:00:00Z' },
    ];
    for (const body of bad) expect((await addTimeOff(doctor.accessToken, body)).status, JSON.stringify(body)).toBe(400);
    expect(await rows(sql`select 1 from doctor_time_off where doctor_id = ${doctor.user.id}`)).toEqual([]);
  });

  it('lists the doctor’s time off still running or to come, earliest first, page by page, and no one else’s', async () => {
    const a = await doctorWith();
    const b = await doctorWith();
    const add = async (startsAt: string, endsAt: string) =>
      (await addTimeOff(a.accessToken, { startsAt, endsAt })).body;
    const third = await add('2031-03-01T00:00:00Z', '2031-03-02T00:00:00Z');
    const first = await add('2031-01-01T00:00:00Z', '2031-01-02T00:00:00Z');
    await add('2020-01-01T00:00:00Z', '2020-01-02T00:00:00Z'); // over: not listed
    const second = await add('2031-02-01T00:00:00Z', '2031-02-02T00:00:00Z');
    const page1 = await t.http.get('/v1/doctor/time-off?limit=2', a.accessToken);
    expect(page1.status).toBe(200);
    expect(page1.body.items).toEqual([first, second]);
    const page2 = await t.http.get(`/v1/doctor/time-off?limit=2&cursor=${page1.body.nextCursor}`, a.accessToken);
    expect(page2.body).toEqual({ items: [third], nextCursor: null });
    for (const url of ['/v1/doctor/time-off', `/v1/doctor/time-off?cursor=${page1.body.nextCursor}`])
      expect((await t.http.get(url, b.accessToken)).body).toEqual({ items: [], nextCursor: null });
    expect((await t.http.get('/v1/doctor/time-off?cursor=garbage', a.accessToken)).status).toBe(400);
  });

  it('keeps another doctor’s time off from them: 404 like a missing one, audited, unchanged', async () => {
    const a = await doctorWith();
    const b = await doctorWith();
    const off = await addTimeOff(a.accessToken, { startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-02T00:00:00Z' });
    const theirs = await t.http.get(`/v1/doctor/time-off/${off.body.id}`, b.accessToken);
    const missing = await t.http.get(`/v1/doctor/time-off/${MISSING}`, b.accessToken);
    expect(theirs.status).toBe(404);
    expect({ ...theirs.body, requestId: 0, instance: 0 }).toEqual({ ...missing.body, requestId: 0, instance: 0 });
    const del = await t.http.request('DELETE', `/v1/doctor/time-off/${off.body.id}`, { token: b.accessToken });
    expect(del.status).toBe(404);
    expect(await rows(sql`select id from doctor_time_off where id = ${off.body.id}`)).toHaveLength(1);
    const audit = await rows<{ actor_id: string }>(
      sql`select actor_id from audit_log where action = 'access.denied' and subject_id = ${off.body.id}`,
    );
    expect(audit).toEqual([{ actor_id: b.user.id }, { actor_id: b.user.id }]);
  });

  it('an override replaces a day’s hours; minimum notice and days ahead limit what is offered', async () => {
    const tomorrow = localDate(1, CAIRO);
    const doctor = await doctorWith(
      schedule({ overrides: [{ date: tomorrow, intervals: [{ start: '15:00', end: '16:00' }] }] }),
    );
    const res = await slots(doctor.user.id, `?from=${tomorrow}&to=${tomorrow}`);
    expect(res.body.items.map((s: { startsAt: string }) => wall(s.startsAt, CAIRO))).toEqual([
      `${tomorrow} 15:00`,
      `${tomorrow} 15:30`,
    ]);
    await put(doctor.accessToken, schedule({ overrides: [{ date: tomorrow, intervals: [] }] }));
    expect((await slots(doctor.user.id, `?from=${tomorrow}&to=${tomorrow}`)).body.items).toEqual([]);
    // Three days of notice: nothing in the next two days, slots from the fourth.
    await put(doctor.accessToken, schedule({ minNoticeMinutes: 3 * 1440 }));
    const noticed = (await slots(doctor.user.id)).body.items as { startsAt: string }[];
    expect(noticed.length).toBeGreaterThan(0);
    for (const s of noticed) expect(Date.parse(s.startsAt)).toBeGreaterThanOrEqual(Date.now() + 3 * DAY - 60_000);
    // Two days ahead at most.
    await put(doctor.accessToken, schedule({ maxDaysAhead: 2 }));
    const ahead = (await slots(doctor.user.id, `?from=${localDate(0, CAIRO)}&to=${localDate(10, CAIRO)}`)).body.items;
    for (const s of ahead as { startsAt: string }[]) expect(Date.parse(s.startsAt)).toBeLessThan(Date.now() + 2 * DAY);
  });

  it('leaves out the busy time a registered source reports, with the buffer after each slot', async () => {
    const doctor = await doctorWith(schedule({ bufferMinutes: 10, slotMinutes: 20 }));
    const day = localDate(4, CAIRO);
    const all = (await slots(doctor.user.id, `?from=${day}&to=${day}`)).body.items as {
      startsAt: string;
      endsAt: string;
    }[];
    // Grid 09:00, 09:30, ... (20 minutes + 10 of buffer).
    expect(all.map((s) => wall(s.startsAt, CAIRO).slice(11))).toEqual([
      '09:00',
      '09:30',
      '10:00',
      '10:30',
      '11:00',
      '11:30',
    ]);
    // What appointments will register: a booking of the 10:00 slot holds 10:00–10:20 and its 10 buffer minutes.
    const booked = { startsAt: new Date(all[2].startsAt), endsAt: new Date(Date.parse(all[2].endsAt) + 10 * 60_000) };
    t.app.get(AvailabilitySeams).registerBusyTimeSource({
      busyBetween: async (doctorId, from, to) =>
        doctorId === doctor.user.id && booked.startsAt < to && from < booked.endsAt ? [booked] : [],
    });
    // A source registered after boot: the search's kept schedule is told, as a booking's change tells it.
    await t.app.get(AvailabilitySeams).scheduleChanged(doctor.user.id);
    const after = (await slots(doctor.user.id, `?from=${day}&to=${day}`)).body.items;
    expect(after).toEqual([all[0], all[1], all[3], all[4], all[5]]);
  });

  it('answers 404 for an id with no doctor’s availability and 400 for a bad window', async () => {
    const doctor = await doctorWith();
    const customer = await registerUser(t);
    const pending = await registerUser(t, { type: 'doctor' });
    for (const id of [MISSING, customer.user.id, pending.user.id]) {
      const res = await slots(id);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('availability/doctor-not-found');
    }
    expect((await slots('not-a-uuid')).status).toBe(400);
    for (const q of [
      '?from=2030-01-10&to=2030-01-09',
      '?from=2030-01-01&to=2030-02-01',
      '?from=2030-01-01T00:00:00Z&to=2030-01-01T00:00:00Z',
      '?from=yesterday',
      '?from=2030-01-01&to=9999-12-31',
      '?from=2030-01-01&extra=1',
    ]) {
      const res = await slots(doctor.user.id, q);
      expect(res.status, q).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    // 31 days is the widest window.
    expect((await slots(doctor.user.id, '?from=2030-01-01&to=2030-01-31')).status).toBe(200);
  });
});
