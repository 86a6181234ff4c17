import { sql } from 'drizzle-orm';
import { jwtVerify } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEV_VIDEO_SECRET } from '../../src/config/config.schema.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { uploadFile } from '../security/resources.js';
import { bookAppointment } from '../factories/appointments.factory.js';
import { bookConsultation, startedConsultation } from '../factories/consultations.factory.js';
import { createBranch } from '../factories/inventory.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { connect, next, pause, record, urlOf } from './support/realtime.js';

const MISSING = '0190a0c8-0000-7000-8000-00000000dead';
const key = new TextEncoder().encode(DEV_VIDEO_SECRET);

let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
});
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
const auditOf = (subjectId: string, action: string) =>
  rows<{ actor_id: string; request_id: string; subject_type: string; details: Record<string, unknown> }>(
    sql`select actor_id, request_id, subject_type, details from audit_log where subject_id = ${subjectId} and action = ${action} order by at`,
  );

describe('waiting room and lifecycle', () => {
  it('check-in opens shortly before the start, the doctor admits and completes, each step in the transitions table and the outbox', async () => {
    const patient = await registerUser(t);
    const early = await bookAppointment(t, patient.accessToken);
    const closed = await t.http.post(`/v1/appointments/${early.id}/check-in`, undefined, patient.accessToken);
    expect(closed.status).toBe(409);
    expect(closed.headers['content-type']).toContain('application/problem+json');
    expect(closed.body.code).toBe('consultations/check-in-closed');

    const c = await bookConsultation(t, patient.accessToken);
    // The doctor does not check in for the patient.
    expect((await t.http.post(`/v1/appointments/${c.id}/check-in`, undefined, c.doctor.accessToken)).status).toBe(404);
    const inRoom = await t.http.post(`/v1/appointments/${c.id}/check-in`, undefined, patient.accessToken);
    expect(inRoom.status).toBe(200);
    expect(inRoom.body).toMatchObject({ id: c.id, status: 'checked_in', role: 'patient', chatOpen: true });
    const again = await t.http.post(`/v1/appointments/${c.id}/check-in`, undefined, patient.accessToken);
    expect(again.status).toBe(409);

    // The patient cannot admit themselves (no practice:write), the doctor can.
    expect((await t.http.post(`/v1/doctor/consultations/${c.id}/start`, undefined, patient.accessToken)).status).toBe(
      403,
    );
    const started = await t.http.post(`/v1/doctor/consultations/${c.id}/start`, undefined, c.doctor.accessToken);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'in_progress', role: 'doctor' });
    const done = await t.http.post(`/v1/doctor/consultations/${c.id}/complete`, undefined, c.doctor.accessToken);
    expect(done.body).toMatchObject({ status: 'completed', chatOpen: true, video: { join: null } });
    expect(
      (await t.http.post(`/v1/doctor/consultations/${c.id}/complete`, undefined, c.doctor.accessToken)).body.code,
    ).toBe('common/illegal-transition');

    const steps = await rows<{ from_status: string | null; to_status: string; actor_id: string }>(
      sql`select from_status, to_status, actor_id from appointment_transitions where appointment_id = ${c.id} order by created_at, id`,
    );
    expect(steps).toEqual([
      { from_status: null, to_status: 'booked', actor_id: patient.user.id },
      { from_status: 'booked', to_status: 'checked_in', actor_id: patient.user.id },
      { from_status: 'checked_in', to_status: 'in_progress', actor_id: c.doctor.user.id },
      { from_status: 'in_progress', to_status: 'completed', actor_id: c.doctor.user.id },
    ]);
    const events = await rows<{ to: string }>(
      sql`select payload->>'to' as "to" from outbox where topic = 'appointment.updated' and payload->>'appointmentId' = ${c.id} order by id`,
    );
    expect(events.map((e) => e.to)).toEqual(['booked', 'checked_in', 'in_progress', 'completed']);
  });

  it('both participants see the waiting room live (consultation.updated over Socket.IO)', async () => {
    const patient = await registerUser(t);
    const c = await bookConsultation(t, patient.accessToken);
    const [patientSocket, doctorSocket] = [
      await connect(urlOf(t), patient.accessToken),
      await connect(urlOf(t), c.doctor.accessToken),
    ];
    sockets.push(patientSocket, doctorSocket);
    const arrived = next(doctorSocket, 'consultation.updated');
    await t.http.post(`/v1/appointments/${c.id}/check-in`, undefined, patient.accessToken);
    expect(await arrived).toEqual({ consultationId: c.id, from: 'booked', status: 'checked_in' });
    const admitted = next(patientSocket, 'consultation.updated');
    await t.http.post(`/v1/doctor/consultations/${c.id}/start`, undefined, c.doctor.accessToken);
    expect(await admitted).toEqual({ consultationId: c.id, from: 'checked_in', status: 'in_progress' });
  });

  it('the doctor may admit straight from booked, not long before the start', async () => {
    const patient = await registerUser(t);
    const later = await bookConsultation(t, patient.accessToken, 120);
    const early = await t.http.post(`/v1/doctor/consultations/${later.id}/start`, undefined, later.doctor.accessToken);
    expect(early.body.code).toBe('consultations/too-early');
    const c = await bookConsultation(t, patient.accessToken);
    const res = await t.http.post(`/v1/doctor/consultations/${c.id}/start`, undefined, c.doctor.accessToken);
    expect(res.body.status).toBe('in_progress');
  });
});

describe('video', () => {
  it('gives each participant a signed, short-lived join to the same room, only around the appointment time', async () => {
    const patient = await registerUser(t);
    const c = await bookConsultation(t, patient.accessToken);
    const mine = await t.http.get(`/v1/consultations/${c.id}`, patient.accessToken);
    expect(mine.status).toBe(200);
    expect(mine.body.appointment).toMatchObject({ id: c.id, doctorId: c.doctor.user.id, status: 'booked' });
    const join = mine.body.video.join;
    expect(join.url).toBe(`https://meet.medyour.local/${join.room}?jwt=${join.token}`);
    const { payload } = await jwtVerify(join.token, key, { audience: 'jitsi', issuer: 'medyour' });
    expect(payload).toMatchObject({ room: join.room, context: { user: { id: patient.user.id, moderator: false } } });
    expect(payload.exp! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(300);
    expect(new Date(join.expiresAt).getTime()).toBe(payload.exp! * 1000);

    const doctors = await t.http.get(`/v1/consultations/${c.id}/video`, c.doctor.accessToken);
    expect(doctors.status).toBe(200);
    expect(doctors.body.room).toBe(join.room);
    const theirs = await jwtVerify(doctors.body.token, key);
    expect(theirs.payload).toMatchObject({
      room: join.room,
      context: { user: { id: c.doctor.user.id, moderator: true } },
    });

    const other = await bookConsultation(t, patient.accessToken);
    expect((await t.http.get(`/v1/consultations/${other.id}/video`, patient.accessToken)).body.room).not.toBe(
      join.room,
    );
  });

  it('answers 409 problem+json outside the window, and no join in the consultation', async () => {
    const patient = await registerUser(t);
    const later = await bookAppointment(t, patient.accessToken);
    const res = await t.http.get(`/v1/consultations/${later.id}/video`, patient.accessToken);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('consultations/video-closed');
    const view = await t.http.get(`/v1/consultations/${later.id}`, patient.accessToken);
    expect(view.body.video).toMatchObject({ join: null });
    expect(new Date(view.body.video.opensAt).getTime()).toBe(new Date(later.startsAt).getTime() - 10 * 60_000);
  });
});

describe('chat', () => {
  it('participants exchange text and their own files, paged newest first, live over Socket.IO; the doctor’s reads are audited', async () => {
    const patient = await registerUser(t);
    const c = await bookConsultation(t, patient.accessToken);
    const url = `/v1/consultations/${c.id}/messages`;
    expect((await t.http.post(url, { text: 'too soon' }, patient.accessToken)).body.code).toBe(
      'consultations/chat-closed',
    );
    await t.http.post(`/v1/appointments/${c.id}/check-in`, undefined, patient.accessToken);

    const base = urlOf(t);
    const patientSocket = await connect(base, patient.accessToken);
    const doctorSocket = await connect(base, c.doctor.accessToken);
    const stranger = await registerUser(t);
    const strangerSocket = await connect(base, stranger.accessToken);
    sockets.push(patientSocket, doctorSocket, strangerSocket);
    const strangerSaw = record(strangerSocket);
    const toDoctor = next<{ id: string; text: string }>(doctorSocket, 'consultation.message');
    const toPatient = next<{ id: string }>(patientSocket, 'consultation.message');

    const first = await t.http.post(url, { text: 'I am in the waiting room' }, patient.accessToken);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ consultationId: c.id, senderId: patient.user.id, attachments: [] });
    expect(await toDoctor).toEqual(first.body);
    expect((await toPatient).id).toBe(first.body.id);

    const fileId = await uploadFile(t, c.doctor.accessToken);
    const second = await t.http.post(url, { text: 'see this', fileIds: [fileId.toUpperCase()] }, c.doctor.accessToken);
    expect(second.status).toBe(201);
    expect(second.body.attachments).toHaveLength(1);
    expect(second.body.attachments[0].id).toBe(fileId);
    // Only files the sender owns: the patient cannot attach the doctor's file.
    const foreign = await t.http.post(url, { fileIds: [fileId] }, patient.accessToken);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('files/not-found');

    const page1 = await t.http.get(`${url}?limit=1`, patient.accessToken);
    expect(page1.body.items.map((m: { id: string }) => m.id)).toEqual([second.body.id]);
    expect(page1.body.items[0].attachments[0].downloadUrl).toContain(fileId);
    const page2 = await t.http.get(`${url}?limit=1&cursor=${page1.body.nextCursor}`, patient.accessToken);
    expect(page2.body.items.map((m: { id: string }) => m.id)).toEqual([first.body.id]);
    expect((await t.http.get(`${url}?cursor=bad`, patient.accessToken)).status).toBe(400);
    expect(await auditOf(c.id, 'health_data.read')).toEqual([]);

    const read = await t.http.get(url, c.doctor.accessToken);
    expect(read.body.items).toHaveLength(2);
    expect(await auditOf(c.id, 'health_data.read')).toEqual([
      {
        actor_id: c.doctor.user.id,
        request_id: read.headers['x-request-id'] ?? expect.any(String),
        subject_type: 'consultation_messages',
        details: { purpose: 'treatment', consultationId: c.id, patientId: patient.user.id },
      },
    ]);
    await pause(100);
    expect(strangerSaw.size).toBe(0);
  });

  it('stays open a while after completion, then closes', async () => {
    const patient = await registerUser(t);
    const c = await startedConsultation(t, patient.accessToken);
    await t.http.post(`/v1/doctor/consultations/${c.id}/complete`, undefined, c.doctor.accessToken);
    const url = `/v1/consultations/${c.id}/messages`;
    expect((await t.http.post(url, { text: 'one more question' }, patient.accessToken)).status).toBe(201);
    await t.database.db.execute(
      sql`update appointments set updated_at = now() - interval '2 hours' where id = ${c.id}`,
    );
    const late = await t.http.post(url, { text: 'and another' }, patient.accessToken);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('consultations/chat-closed');
    expect((await t.http.get(url, patient.accessToken)).body.items).toHaveLength(1);
  });

  it('refuses bad input as problem+json 400', async () => {
    const patient = await registerUser(t);
    const c = await startedConsultation(t, patient.accessToken);
    const url = `/v1/consultations/${c.id}/messages`;
    for (const body of [
      {},
      { text: '' },
      { text: 'x', extra: 1 },
      { fileIds: [] },
      { fileIds: ['nope'] },
      { text: 'x'.repeat(4001) },
    ]) {
      const res = await t.http.post(url, body, patient.accessToken);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await t.http.get(`${url}?limit=101`, patient.accessToken)).status).toBe(400);
    expect((await t.http.get(`${url}?x=1`, patient.accessToken)).status).toBe(400);
  });
});

describe('clinical notes', () => {
  it('the doctor drafts, signs (locked), adds addenda; the patient reads only the signed note; other readers are audited', async () => {
    const patient = await registerUser(t);
    const booked = await bookConsultation(t, patient.accessToken);
    const put = (id: string, body: unknown, token: string) =>
      t.http.request('PUT', `/v1/doctor/consultations/${id}/notes`, { body, token });
    expect((await put(booked.id, { subjective: 'x' }, booked.doctor.accessToken)).body.code).toBe(
      'consultations/notes-closed',
    );

    const c = await startedConsultation(t, patient.accessToken);
    const doc = c.doctor.accessToken;
    const notesUrl = `/v1/consultations/${c.id}/notes`;
    expect((await t.http.post(`/v1/doctor/consultations/${c.id}/notes/sign`, undefined, doc)).body.code).toBe(
      'consultations/no-note',
    );
    const draft = await put(c.id, { subjective: 'Headache for 3 days', assessment: 'Tension headache' }, doc);
    expect(draft.status).toBe(200);
    expect(draft.body.note).toMatchObject({
      subjective: 'Headache for 3 days',
      plan: null,
      signed: false,
      signedAt: null,
    });
    expect((await put(c.id, { unknown: 1 }, doc)).status).toBe(400);
    const addendumEarly = await t.http.post(`/v1/doctor/consultations/${c.id}/notes/addenda`, { text: 'x' }, doc);
    expect(addendumEarly.body.code).toBe('consultations/note-not-signed');
    expect((await t.http.get(notesUrl, patient.accessToken)).body).toEqual({ note: null, addenda: [] });

    const final = { subjective: 'Headache', objective: 'BP 120/80', assessment: 'Tension headache', plan: 'Rest' };
    await put(c.id, final, doc);
    const signed = await t.http.post(`/v1/doctor/consultations/${c.id}/notes/sign`, undefined, doc);
    expect(signed.status).toBe(200);
    expect(signed.body.note).toMatchObject({ ...final, signed: true });
    // Locked: the API refuses, and so does the database whatever the application does.
    const locked = await put(c.id, { plan: 'Changed' }, doc);
    expect(locked.status).toBe(409);
    expect(locked.body.code).toBe('consultations/note-signed');
    expect((await t.http.post(`/v1/doctor/consultations/${c.id}/notes/sign`, undefined, doc)).body.code).toBe(
      'consultations/note-signed',
    );
    await expect(
      t.database.db.execute(sql`update consultation_notes set plan = 'tampered' where appointment_id = ${c.id}`),
    ).rejects.toThrow();
    await expect(
      t.database.db.execute(sql`delete from consultation_notes where appointment_id = ${c.id}`),
    ).rejects.toThrow();

    const add = await t.http.post(`/v1/doctor/consultations/${c.id}/notes/addenda`, { text: 'BP was 130/85' }, doc);
    expect(add.status).toBe(201);
    expect(add.body.addenda).toEqual([
      { id: expect.any(String), authorId: c.doctor.user.id, text: 'BP was 130/85', signedAt: expect.any(String) },
    ]);
    await expect(
      t.database.db.execute(sql`update consultation_note_addenda set body = 'x' where appointment_id = ${c.id}`),
    ).rejects.toThrow();

    const theirs = await t.http.get(notesUrl, patient.accessToken);
    expect(theirs.body.note).toMatchObject({ ...final, signed: true });
    expect(theirs.body.addenda).toHaveLength(1);
    expect(await auditOf(c.id, 'health_data.read')).toEqual([]);
    const doctorRead = await t.http.get(notesUrl, doc);
    expect(doctorRead.status).toBe(200);
    const audit = await auditOf(c.id, 'health_data.read');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: c.doctor.user.id, subject_type: 'consultation_notes' });
    expect(audit[0].details).toMatchObject({ purpose: 'treatment' });
    expect(audit[0].request_id).toBe(doctorRead.headers['x-request-id'] ?? audit[0].request_id);
    expect(audit[0].request_id).toBeTruthy();
  });
});

describe('rating', () => {
  it('the patient rates a completed consultation once; the doctor’s rating moves', async () => {
    const patient = await registerUser(t);
    const c = await startedConsultation(t, patient.accessToken);
    const rate = (body: unknown, token = patient.accessToken) =>
      t.http.post(`/v1/consultations/${c.id}/rating`, body, token);
    expect((await rate({ stars: 5 })).body.code).toBe('consultations/not-rateable');
    await t.http.post(`/v1/doctor/consultations/${c.id}/complete`, undefined, c.doctor.accessToken);
    for (const body of [{ stars: 0 }, { stars: 6 }, { stars: 4.5 }, { stars: 4, extra: true }, {}])
      expect((await rate(body)).status, JSON.stringify(body)).toBe(400);
    expect((await rate({ stars: 4 }, c.doctor.accessToken)).status).toBe(404);
    const first = await rate({ stars: 4, comment: 'Helpful' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ consultationId: c.id, stars: 4, comment: 'Helpful' });
    const twice = await rate({ stars: 1 });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('consultations/already-rated');
    const doctor = await t.http.get(`/v1/doctors/${c.doctor.user.id}`);
    expect(doctor.body.doctor).toMatchObject({ ratingCount: 1, ratingAverage: 4 });
    expect((await t.http.get(`/v1/consultations/${c.id}`, patient.accessToken)).body.rated).toBe(true);
  });
});

describe('only the two participants', () => {
  it('another patient, another doctor and a pharmacist of an unrelated branch get 404 like a missing id, audited', async () => {
    const patient = await registerUser(t);
    const c = await startedConsultation(t, patient.accessToken);
    await t.http.post(`/v1/consultations/${c.id}/messages`, { text: 'private' }, patient.accessToken);
    const admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
    const branch = await createBranch(t, admin.accessToken, {
      lat: 20 + Math.random() * 9,
      lng: 25 + Math.random() * 9,
    });
    const intruders = {
      patient: await registerUser(t),
      doctor: await registerUser(t, { type: 'doctor' }),
      pharmacist: await createStaff(t, [{ role: 'pharmacist', branchId: branch.id }]),
    };
    const routes: [method: 'GET' | 'POST', path: string, body?: unknown][] = [
      ['GET', `/v1/consultations/{id}`],
      ['GET', `/v1/consultations/{id}/video`],
      ['GET', `/v1/consultations/{id}/messages`],
      ['POST', `/v1/consultations/{id}/messages`, { text: 'hello' }],
      ['GET', `/v1/consultations/{id}/notes`],
      ['POST', `/v1/consultations/{id}/rating`, { stars: 1 }],
      ['POST', `/v1/appointments/{id}/check-in`],
    ];
    for (const [who, intruder] of Object.entries(intruders)) {
      for (const [method, path, body] of routes) {
        const theirs = await t.http.request(method, path.replace('{id}', c.id), { body, token: intruder.accessToken });
        const missing = await t.http.request(method, path.replace('{id}', MISSING), {
          body,
          token: intruder.accessToken,
        });
        expect(theirs.status, `${who} ${method} ${path}`).toBe(404);
        expect({ ...theirs.body, requestId: undefined, instance: undefined }).toEqual({
          ...missing.body,
          requestId: undefined,
          instance: undefined,
        });
      }
    }
    // Doctor routes: another doctor 404 (audited); a patient or a pharmacist lacks practice:write (403).
    const doctorRoutes: [method: 'POST' | 'PUT', path: string, body?: unknown][] = [
      ['POST', 'start'],
      ['POST', 'complete'],
      ['PUT', 'notes', { plan: 'x' }],
      ['POST', 'notes/sign'],
      ['POST', 'notes/addenda', { text: 'x' }],
    ];
    for (const [method, path, body] of doctorRoutes) {
      const url = `/v1/doctor/consultations/${c.id}/${path}`;
      expect((await t.http.request(method, url, { body, token: intruders.doctor.accessToken })).status).toBe(404);
      expect((await t.http.request(method, url, { body, token: intruders.pharmacist.accessToken })).status).toBe(403);
      expect((await t.http.request(method, url, { body, token: intruders.patient.accessToken })).status).toBe(403);
    }
    const denied = await rows<{ actor_id: string; n: number }>(
      sql`select actor_id, count(*)::int as n from audit_log where action = 'access.denied' and subject_type = 'consultation' and subject_id = ${c.id} group by actor_id`,
    );
    expect(Object.fromEntries(denied.map((d) => [d.actor_id, d.n]))).toEqual({
      [intruders.patient.user.id]: routes.length,
      [intruders.doctor.user.id]: routes.length + doctorRoutes.length,
      [intruders.pharmacist.user.id]: routes.length,
    });
    // Nothing moved, nothing was written, no health data was read by them.
    expect((await t.http.get(`/v1/consultations/${c.id}`, patient.accessToken)).body.status).toBe('in_progress');
    expect((await t.http.get(`/v1/consultations/${c.id}/messages`, patient.accessToken)).body.items).toHaveLength(1);
    expect(await auditOf(c.id, 'health_data.read')).toEqual([]);
    expect((await t.http.get(`/v1/consultations/${c.id}/notes`, c.doctor.accessToken)).body.note).toBeNull();
  });
});
