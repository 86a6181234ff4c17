import { randomUUID } from 'node:crypto';
import type { TestApp } from '../setup/app.js';
import { registerUser } from './user.factory.js';

/** A licence expiry a year from now (YYYY-MM-DD). */
export const nextYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

/** A specialty created through the admin route (an admin's token). */
export async function createSpecialty(
  t: TestApp,
  adminToken: string,
  overrides: Partial<{ nameEn: string; nameAr: string; icon: string | null }> = {},
): Promise<{ id: string; nameEn: string; nameAr: string }> {
  const stem = randomUUID().slice(0, 8);
  const res = await t.http.post(
    '/v1/admin/specialties',
    { nameEn: `Specialty ${stem}`, nameAr: `تخصص ${stem}`, ...overrides },
    adminToken,
  );
  if (res.status !== 201) throw new Error(`specialty failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.specialty;
}

export function buildProfile(specialtyIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    specialtyIds,
    licenseNumber: `EG-${randomUUID().slice(0, 8)}`,
    licenseExpiresOn: nextYear(),
    languages: ['ar', 'en'],
    bioEn: 'Consultant with fifteen years of practice.',
    bioAr: 'استشاري بخبرة خمسة عشر عاماً.',
    videoFeeMinor: 30000,
    clinicFeeMinor: 45000,
    ...overrides,
  };
}

/** Saves a doctor's profile through PUT /v1/doctor/profile (a new specialty unless ids are given). */
export async function fillDoctorProfile(
  t: TestApp,
  doctorToken: string,
  adminToken: string,
  overrides: Record<string, unknown> = {},
) {
  const specialtyIds = (overrides.specialtyIds as string[] | undefined) ?? [(await createSpecialty(t, adminToken)).id];
  const res = await t.http.request('PUT', '/v1/doctor/profile', {
    body: buildProfile(specialtyIds, overrides),
    token: doctorToken,
  });
  if (res.status !== 200) throw new Error(`profile failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.profile as { doctorId: string; specialtyIds: string[] };
}

/** A registered doctor with a filled profile, still pending approval. */
export async function registerDoctorWithProfile(
  t: TestApp,
  adminToken: string,
  overrides: Record<string, unknown> = {},
  userOverrides: Parameters<typeof registerUser>[1] = {},
) {
  const doctor = await registerUser(t, { type: 'doctor', ...userOverrides });
  const profile = await fillDoctorProfile(t, doctor.accessToken, adminToken, overrides);
  return { ...doctor, profile };
}

/** A doctor with a filled profile, approved by the admin (visible in the directory). */
export async function createApprovedDoctor(
  t: TestApp,
  adminToken: string,
  overrides: Record<string, unknown> = {},
  userOverrides: Parameters<typeof registerUser>[1] = {},
) {
  const doctor = await registerDoctorWithProfile(t, adminToken, overrides, userOverrides);
  const res = await t.http.post(`/v1/admin/doctors/${doctor.user.id}/approve`, undefined, adminToken);
  if (res.status !== 200) throw new Error(`approve failed: ${res.status} ${JSON.stringify(res.body)}`);
  return doctor;
}
