import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvailabilitySeams } from '../../src/modules/availability/index.js';
import { ProvidersService } from '../../src/modules/providers/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { buildUser, createStaff, registerUser } from '../factories/user.factory.js';
import { AdminBootstrapService } from '../../src/modules/identity/index.js';
import {
  buildProfile,
  createApprovedDoctor,
  createSpecialty,
  fillDoctorProfile,
  registerDoctorWithProfile,
} from '../factories/providers.factory.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof createStaff>>;
beforeAll(async () => {
  t = await bootTestApp();
  admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
});
afterAll(async () => {
  await t.close();
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
const put = (token: string, body: unknown) => t.http.request('PUT', '/v1/doctor/profile', { body, token });
const daysFromNow = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const directoryIds = async (query: string) => {
  const res = await t.http.get(`/v1/doctors?limit=100&${query}`);
  expect(res.status).toBe(200);
  return (res.body.items as { id: string }[]).map((d) => d.id);
};

describe('specialties', () => {
  it('an admin creates and changes specialties; the public list shows the active ones', async () => {
    const s = await createSpecialty(t, admin.accessToken, { icon: 'heart' });
    expect(s).toMatchObject({ icon: 'heart' });
    let list = await t.http.get('/v1/specialties');
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual({ id: s.id, nameEn: s.nameEn, nameAr: s.nameAr, icon: 'heart' });

    const renamed = await t.http.patch(
      `/v1/admin/specialties/${s.id}`,
      { nameAr: 'قلب', icon: null },
      admin.accessToken,
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.specialty).toMatchObject({ id: s.id, nameAr: 'قلب', icon: null, active: true });

    const retired = await t.http.patch(`/v1/admin/specialties/${s.id}`, { active: false }, admin.accessToken);
    expect(retired.body.specialty.active).toBe(false);
    list = await t.http.get('/v1/specialties');
    expect(list.body.items.some((i: { id: string }) => i.id === s.id)).toBe(false);
  });

  it('refuses a duplicate English name (any case), bad bodies and unknown ids', async () => {
    const s = await createSpecialty(t, admin.accessToken);
    const dup = await t.http.post(
      '/v1/admin/specialties',
      { nameEn: s.nameEn.toUpperCase(), nameAr: 'آخر' },
      admin.accessToken,
    );
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('providers/specialty-taken');
    for (const body of [{}, { nameEn: '', nameAr: 'x' }, { nameEn: 'x', nameAr: 'y', extra: 1 }]) {
      const res = await t.http.post('/v1/admin/specialties', body, admin.accessToken);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await t.http.patch(`/v1/admin/specialties/${s.id}`, {}, admin.accessToken)).status).toBe(400);
    const missing = await t.http.patch(`/v1/admin/specialties/${randomUUID()}`, { nameEn: 'x' }, admin.accessToken);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('providers/specialty-not-found');
  });

  it('only staff with providers:write manage specialties', async () => {
    const customer = await registerUser(t);
    const doctor = await registerUser(t, { type: 'doctor' });
    const catalog = await createStaff(t, [{ role: 'catalog_manager', branchId: null }]);
    for (const who of [customer, doctor, catalog]) {
      const res = await t.http.post('/v1/admin/specialties', { nameEn: 'x', nameAr: 'y' }, who.accessToken);
      expect(res.status).toBe(403);
    }
    expect((await t.http.post('/v1/admin/specialties', { nameEn: 'x', nameAr: 'y' })).status).toBe(401);
  });
});

describe('doctor profile and approval', () => {
  it('profile fill → approve → visible in the directory, with who approved and when', async () => {
    const specialty = await createSpecialty(t, admin.accessToken);
    const doctor = await registerUser(t, { type: 'doctor' });
    expect((await t.http.get('/v1/doctor/profile', doctor.accessToken)).body).toEqual({ profile: null });

    // Approval needs a profile first.
    const early = await t.http.post(`/v1/admin/doctors/${doctor.user.id}/approve`, undefined, admin.accessToken);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('providers/profile-incomplete');
    expect((await rows<{ status: string }>(sql`select status from users where id = ${doctor.user.id}`))[0].status).toBe(
      'pending_approval',
    );

    const body = buildProfile([specialty.id, specialty.id], { languages: ['AR', 'en', 'ar'], clinicBranchId: null });
    const saved = await put(doctor.accessToken, body);
    expect(saved.status).toBe(200);
    expect(saved.body.profile).toMatchObject({
      doctorId: doctor.user.id,
      specialtyIds: [specialty.id],
      languages: ['ar', 'en'],
      licenseNumber: body.licenseNumber,
      licenseExpiresOn: body.licenseExpiresOn,
      videoFeeMinor: 30000,
      clinicFeeMinor: 45000,
      ratingAverage: 0,
      ratingCount: 0,
      approvedAt: null,
    });
    // Pending: not listed yet.
    expect(await directoryIds(`specialtyId=${specialty.id}`)).toEqual([]);
    expect((await t.http.get(`/v1/doctors/${doctor.user.id}`)).status).toBe(404);

    const approved = await t.http.post(`/v1/admin/doctors/${doctor.user.id}/approve`, undefined, admin.accessToken);
    expect(approved.status).toBe(200);
    expect(approved.body.user.status).toBe('active');
    const [approval] = await rows<{ approved_by: string; approved_at: Date | null }>(
      sql`select approved_by, approved_at from doctor_profiles where user_id = ${doctor.user.id}`,
    );
    expect(approval.approved_by).toBe(admin.user.id);
    expect(approval.approved_at).not.toBeNull();

    expect(await directoryIds(`specialtyId=${specialty.id}`)).toEqual([doctor.user.id]);
    const one = await t.http.get(`/v1/doctors/${doctor.user.id}`);
    expect(one.status).toBe(200);
    expect(one.body.doctor).toMatchObject({
      id: doctor.user.id,
      name: doctor.input.name,
      specialties: [{ id: specialty.id, nameEn: specialty.nameEn }],
      languages: ['ar', 'en'],
      ratingAverage: 0,
      ratingCount: 0,
    });
    expect(one.body.doctor.licenseNumber).toBeUndefined();
    const own = await t.http.get('/v1/doctor/profile', doctor.accessToken);
    expect(own.body.profile.approvedAt).not.toBeNull();

    // Saving the profile again keeps the approval.
    expect((await put(doctor.accessToken, { ...body, bioEn: 'Changed bio' })).body.profile.approvedAt).not.toBeNull();
    expect(await t.app.get(ProvidersService).assertBookable(doctor.user.id, new Date())).toMatchObject({
      doctorId: doctor.user.id,
      videoFeeMinor: 30000,
    });

    // A new licence (number or expiry) is reviewed again: hidden until an admin approves it.
    const renewed = await put(doctor.accessToken, { ...body, licenseExpiresOn: daysFromNow(800) });
    expect(renewed.body.profile.approvedAt).toBeNull();
    expect(await directoryIds(`specialtyId=${specialty.id}`)).toEqual([]);
    await expect(t.app.get(ProvidersService).assertBookable(doctor.user.id, new Date())).rejects.toMatchObject({
      code: 'providers/not-approved',
    });
    const again = await t.http.post(`/v1/admin/doctors/${doctor.user.id}/approve`, undefined, admin.accessToken);
    expect(again.status).toBe(200);
    expect(await directoryIds(`specialtyId=${specialty.id}`)).toEqual([doctor.user.id]);
    const audit = await rows<{ review: boolean }>(
      sql`select (details->>'review')::boolean as review from audit_log where subject_id = ${doctor.user.id} and action = 'providers.profile_saved' order by at, id`,
    );
    expect(audit.map((a) => a.review)).toEqual([false, false, true]);
  });

  it('an expired licence hides the doctor and refuses booking and prescribing; approval refuses it too', async () => {
    const doctor = await createApprovedDoctor(t, admin.accessToken);
    const specialtyId = doctor.profile.specialtyIds[0];
    expect(await directoryIds(`specialtyId=${specialtyId}`)).toEqual([doctor.user.id]);
    const service = t.app.get(ProvidersService);
    // Tomorrow's appointment is past a licence that ends today.
    await t.database.db.execute(
      sql`update doctor_profiles set license_expires_on = ${daysFromNow(0)} where user_id = ${doctor.user.id}`,
    );
    await service.assertBookable(doctor.user.id, new Date());
    await expect(service.assertBookable(doctor.user.id, new Date(Date.now() + 86_400_000))).rejects.toMatchObject({
      code: 'providers/license-expired',
    });
    // Time passes: the licence ended yesterday.
    await t.database.db.execute(
      sql`update doctor_profiles set license_expires_on = ${daysFromNow(-1)} where user_id = ${doctor.user.id}`,
    );
    expect(await directoryIds(`specialtyId=${specialtyId}`)).toEqual([]);
    expect((await t.http.get(`/v1/doctors/${doctor.user.id}`)).status).toBe(404);
    await expect(service.assertCanPrescribe(doctor.user.id, new Date())).rejects.toMatchObject({
      code: 'providers/license-expired',
    });

    // A pending doctor whose licence lapsed cannot be approved.
    const pending = await registerDoctorWithProfile(t, admin.accessToken);
    await t.database.db.execute(
      sql`update doctor_profiles set license_expires_on = ${daysFromNow(-1)} where user_id = ${pending.user.id}`,
    );
    const refused = await t.http.post(`/v1/admin/doctors/${pending.user.id}/approve`, undefined, admin.accessToken);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('providers/license-expired');
    await expect(service.assertBookable(pending.user.id, new Date())).rejects.toMatchObject({
      code: 'providers/not-approved',
    });
    await expect(service.assertBookable(randomUUID(), new Date())).rejects.toMatchObject({
      code: 'providers/doctor-not-found',
    });
  });

  it('availability offers slots only for a bookable doctor (the gate providers register)', async () => {
    const doctor = await createApprovedDoctor(t, admin.accessToken);
    const schedule = {
      timeZone: 'Africa/Cairo',
      slotMinutes: 30,
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      maxDaysAhead: 30,
      weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '09:00', end: '12:00' })),
    };
    const set = await t.http.request('PUT', '/v1/doctor/availability', { body: schedule, token: doctor.accessToken });
    expect(set.status).toBe(200);
    const window = `?from=${daysFromNow(2)}&to=${daysFromNow(3)}`;
    const offered = await t.http.get(`/v1/doctors/${doctor.user.id}/slots${window}`);
    expect(offered.status).toBe(200);
    expect(offered.body.items.length).toBeGreaterThan(0);
    // The licence ended yesterday: the doctor is not offered at all.
    await t.database.db.execute(
      sql`update doctor_profiles set license_expires_on = ${daysFromNow(-1)} where user_id = ${doctor.user.id}`,
    );
    // Written here behind providers' back (a licence changes through PUT /v1/doctor/profile, which tells the
    // slot search's cache): told the same way.
    await t.app.get(AvailabilitySeams).scheduleChanged(doctor.user.id);
    expect((await t.http.get(`/v1/doctors/${doctor.user.id}/slots${window}`)).status).toBe(404);
  });

  it('an active doctor never reviewed (provisioned) is reviewed by approval; a reviewed one keeps its record', async () => {
    const input = buildUser({ type: 'doctor' });
    await t.app.get(AdminBootstrapService).provision({ ...input, type: 'doctor' });
    const login = await t.http.post('/v1/auth/login', { identifier: input.email, password: input.password });
    const id = login.body.user.id as string;
    expect(login.body.user.status).toBe('active');
    const refused = await t.http.post(`/v1/admin/doctors/${id}/approve`, undefined, admin.accessToken);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('providers/profile-incomplete');
    const specialtyId = (await fillDoctorProfile(t, login.body.accessToken, admin.accessToken)).specialtyIds[0];
    expect(await directoryIds(`specialtyId=${specialtyId}`)).toEqual([]);
    expect((await t.http.post(`/v1/admin/doctors/${id}/approve`, undefined, admin.accessToken)).status).toBe(200);
    expect(await directoryIds(`specialtyId=${specialtyId}`)).toEqual([id]);
    const record = () =>
      rows<{ approved_by: string; approved_at: Date }>(
        sql`select approved_by, approved_at from doctor_profiles where user_id = ${id}`,
      );
    const first = await record();
    const other = await createStaff(t, [{ role: 'admin', branchId: null }]);
    expect((await t.http.post(`/v1/admin/doctors/${id}/approve`, undefined, other.accessToken)).status).toBe(200);
    expect(await record()).toEqual(first);
    expect(first[0].approved_by).toBe(admin.user.id);
  });

  it('ratings add up under concurrency and show as average and count', async () => {
    const doctor = await createApprovedDoctor(t, admin.accessToken);
    const service = t.app.get(ProvidersService);
    const stars = [5, 4, 4, 3, 5, 5, 2, 4, 5, 4];
    await Promise.all(stars.map((s) => service.recordRating(doctor.user.id, s)));
    const one = await t.http.get(`/v1/doctors/${doctor.user.id}`);
    expect(one.body.doctor).toMatchObject({ ratingCount: 10, ratingAverage: 4.1 });
    for (const bad of [0, 6, 4.5])
      await expect(service.recordRating(doctor.user.id, bad)).rejects.toMatchObject({ code: 'providers/bad-rating' });
    await expect(service.recordRating(randomUUID(), 5)).rejects.toMatchObject({ code: 'providers/doctor-not-found' });
    expect((await t.http.get(`/v1/doctors/${doctor.user.id}`)).body.doctor.ratingCount).toBe(10);
  });

  it('a suspension takes the doctor out of the directory until approved again', async () => {
    const doctor = await createApprovedDoctor(t, admin.accessToken);
    const specialtyId = doctor.profile.specialtyIds[0];
    expect((await t.http.post(`/v1/admin/users/${doctor.user.id}/suspend`, {}, admin.accessToken)).status).toBe(200);
    expect(await directoryIds(`specialtyId=${specialtyId}`)).toEqual([]);
    expect(
      (await t.http.post(`/v1/admin/users/${doctor.user.id}/reactivate`, undefined, admin.accessToken)).status,
    ).toBe(200);
    expect(await directoryIds(`specialtyId=${specialtyId}`)).toEqual([]);
    expect(
      (await t.http.post(`/v1/admin/doctors/${doctor.user.id}/approve`, undefined, admin.accessToken)).status,
    ).toBe(200);
    expect(await directoryIds(`specialtyId=${specialtyId}`)).toEqual([doctor.user.id]);
  });

  it('bad profiles answer 400 problem+json and change nothing', async () => {
    const specialty = await createSpecialty(t, admin.accessToken);
    const retired = await createSpecialty(t, admin.accessToken);
    await t.http.patch(`/v1/admin/specialties/${retired.id}`, { active: false }, admin.accessToken);
    const doctor = await registerUser(t, { type: 'doctor' });
    const good = buildProfile([specialty.id]);
    expect((await put(doctor.accessToken, good)).status).toBe(200);
    const before = (await t.http.get('/v1/doctor/profile', doctor.accessToken)).body;

    const cases: [Record<string, unknown>, string?][] = [
      [{ specialtyIds: [randomUUID()] }, 'providers/unknown-specialty'],
      [{ specialtyIds: [specialty.id, retired.id] }, 'providers/unknown-specialty'],
      [{ specialtyIds: [] }],
      [{ languages: ['xx'] }],
      [{ languages: ['english'] }],
      [{ languages: [] }],
      [{ videoFeeMinor: -1 }],
      [{ clinicFeeMinor: 1.5 }],
      [{ licenseExpiresOn: '2026-02-30' }],
      [{ licenseExpiresOn: 'tomorrow' }],
      [{ licenseExpiresOn: daysFromNow(-1) }, 'providers/license-in-past'],
      [{ clinicBranchId: randomUUID() }, 'providers/unknown-branch'],
      [{ licenseNumber: '' }],
      [{ bioAr: '' }],
      [{ unknownField: true }],
    ];
    for (const [patch, code] of cases) {
      const res = await put(doctor.accessToken, { ...good, ...patch, licenseNumber: patch.licenseNumber ?? 'NEW-1' });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (code) expect(res.body.code).toBe(code);
    }
    const { licenseNumber: _n, ...withoutLicence } = good;
    expect((await put(doctor.accessToken, withoutLicence)).status).toBe(400);
    expect((await t.http.get('/v1/doctor/profile', doctor.accessToken)).body).toEqual(before);
  });

  it('a doctor only ever edits their own profile; customers and staff cannot call doctor routes', async () => {
    const mine = await registerDoctorWithProfile(t, admin.accessToken);
    const other = await registerUser(t, { type: 'doctor' });
    const specialty = await createSpecialty(t, admin.accessToken);
    const before = (await t.http.get('/v1/doctor/profile', mine.accessToken)).body;
    // The other doctor's PUT writes the other doctor's own profile, never mine.
    const theirs = await fillDoctorProfile(t, other.accessToken, admin.accessToken, { specialtyIds: [specialty.id] });
    expect(theirs.doctorId).toBe(other.user.id);
    expect((await t.http.get('/v1/doctor/profile', mine.accessToken)).body).toEqual(before);
    // There is no route naming a doctor to edit.
    const byId = await t.http.request('PUT', `/v1/doctor/profile/${mine.user.id}`, {
      body: buildProfile([specialty.id]),
      token: other.accessToken,
    });
    expect(byId.status).toBe(404);

    const customer = await registerUser(t);
    const staff = await createStaff(t, [{ role: 'admin', branchId: null }]);
    expect((await t.http.get('/v1/doctor/profile', customer.accessToken)).status).toBe(403);
    const refused = await put(customer.accessToken, buildProfile([specialty.id]));
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('auth/forbidden');
    // An admin holds every permission, yet has no practice: refused by account type.
    for (const res of [
      await t.http.get('/v1/doctor/profile', staff.accessToken),
      await put(staff.accessToken, buildProfile([specialty.id])),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('providers/not-a-doctor');
    }
    expect((await rows(sql`select 1 from doctor_profiles where user_id = ${staff.user.id}`)).length).toBe(0);
    expect((await t.http.get('/v1/doctor/profile')).status).toBe(401);
    expect((await rows(sql`select 1 from doctor_profiles where user_id = ${customer.user.id}`)).length).toBe(0);
  });
});

describe('directory', () => {
  it('filters by specialty, language and text (name and bios, en and ar), pages by cursor', async () => {
    const specialty = await createSpecialty(t, admin.accessToken);
    const stem = randomUUID().slice(0, 8);
    const a = await createApprovedDoctor(
      t,
      admin.accessToken,
      { specialtyIds: [specialty.id], languages: ['ar'], bioAr: `طب الأطفال ${stem}` },
      { name: `Dr Alpha ${stem}` },
    );
    const b = await createApprovedDoctor(
      t,
      admin.accessToken,
      { specialtyIds: [specialty.id], languages: ['en', 'fr'], bioEn: `Sports medicine ${stem}` },
      { name: `Dr Beta ${stem}` },
    );
    const c = await createApprovedDoctor(t, admin.accessToken, { specialtyIds: [specialty.id], languages: ['en'] });
    await registerDoctorWithProfile(t, admin.accessToken, { specialtyIds: [specialty.id] }); // pending

    expect(await directoryIds(`specialtyId=${specialty.id}`)).toEqual([c.user.id, b.user.id, a.user.id]);
    expect(await directoryIds(`specialtyId=${specialty.id}&language=AR`)).toEqual([a.user.id]);
    expect(await directoryIds(`specialtyId=${specialty.id}&language=fr`)).toEqual([b.user.id]);
    expect(await directoryIds(`q=${encodeURIComponent(`alpha ${stem}`)}`)).toEqual([a.user.id]);
    expect(await directoryIds(`q=${encodeURIComponent(`SPORTS medicine ${stem}`)}`)).toEqual([b.user.id]);
    expect(await directoryIds(`q=${encodeURIComponent(`الأطفال ${stem}`)}`)).toEqual([a.user.id]);
    expect(await directoryIds(`q=${encodeURIComponent('%_%' + stem)}`)).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await t.http.get(
        `/v1/doctors?specialtyId=${specialty.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((d) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([c.user.id, b.user.id, a.user.id]);
  });

  it('refuses bad queries with 400 and answers 404 for customers, unknown ids and pending doctors', async () => {
    for (const q of ['language=xx', 'specialtyId=nope', 'limit=0', 'limit=101', 'cursor=garbage', 'q=', 'other=1']) {
      const res = await t.http.get(`/v1/doctors?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const customer = await registerUser(t);
    const pending = await registerDoctorWithProfile(t, admin.accessToken);
    for (const id of [customer.user.id, pending.user.id, randomUUID()]) {
      const res = await t.http.get(`/v1/doctors/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('providers/doctor-not-found');
    }
    expect((await t.http.get('/v1/doctors/not-a-uuid')).status).toBe(400);
  });
});
