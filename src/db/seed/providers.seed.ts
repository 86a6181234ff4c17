import type { INestApplication } from '@nestjs/common';
import { inArray } from 'drizzle-orm';
import { AdminBootstrapService, type ProvisionInput } from '../../modules/identity/index.js';
import { DB, type Db } from '../client.js';
import { doctorProfiles, doctorSpecialties, specialties, users } from '../schema.js';
import { DEMO_BRANCH } from './demo-catalog.data.js';

const id = (n: number) => `019a0000-de00-7d00-8000-${String(n).padStart(12, '0')}`;

export const DEMO_SPECIALTY = {
  general: id(1),
  pediatrics: id(2),
  cardiology: id(3),
  dermatology: id(4),
} as const;

const SPECIALTIES = [
  { id: DEMO_SPECIALTY.general, nameEn: 'General practice', nameAr: 'ممارسة عامة', icon: 'stethoscope' },
  { id: DEMO_SPECIALTY.pediatrics, nameEn: 'Pediatrics', nameAr: 'طب الأطفال', icon: 'baby' },
  { id: DEMO_SPECIALTY.cardiology, nameEn: 'Cardiology', nameAr: 'أمراض القلب', icon: 'heart' },
  { id: DEMO_SPECIALTY.dermatology, nameEn: 'Dermatology', nameAr: 'الأمراض الجلدية', icon: 'skin' },
];

/** The two doctors beside doctor@medyour.local (demo.seed.ts); all three are approved with a profile. */
export const DEMO_DOCTOR_ACCOUNTS: ProvisionInput[] = [
  {
    type: 'doctor',
    name: 'Dr. Mona Hassan',
    email: 'mona.hassan@medyour.local',
    phone: '+201000000003',
    password: 'Nile-Pediatrics-2026!',
  },
  {
    type: 'doctor',
    name: 'Dr. Karim Nabil',
    email: 'karim.nabil@medyour.local',
    phone: '+201000000004',
    password: 'Nile-Cardiology-2026!',
  },
];

/** The demo doctors' emails: availability and appointments seed their schedules and a past consultation. */
export const DEMO_DOCTOR_EMAILS = ['doctor@medyour.local', 'mona.hassan@medyour.local', 'karim.nabil@medyour.local'];

const PROFILES: Record<
  string,
  { specialties: string[]; languages: string[]; bioEn: string; bioAr: string; video: number; clinic: number }
> = {
  'doctor@medyour.local': {
    specialties: [DEMO_SPECIALTY.general, DEMO_SPECIALTY.dermatology],
    languages: ['ar', 'en'],
    bioEn: 'Family physician with a special interest in skin conditions.',
    bioAr: 'طبيب أسرة مهتم بالأمراض الجلدية.',
    video: 20_000,
    clinic: 30_000,
  },
  'mona.hassan@medyour.local': {
    specialties: [DEMO_SPECIALTY.pediatrics],
    languages: ['ar', 'en', 'fr'],
    bioEn: 'Pediatrician caring for newborns to teenagers for twelve years.',
    bioAr: 'طبيبة أطفال ترعى الأطفال من حديثي الولادة حتى المراهقة منذ اثني عشر عاماً.',
    video: 25_000,
    clinic: 35_000,
  },
  'karim.nabil@medyour.local': {
    specialties: [DEMO_SPECIALTY.cardiology],
    languages: ['ar'],
    bioEn: 'Consultant cardiologist: hypertension, heart failure and prevention.',
    bioAr: 'استشاري أمراض القلب: ضغط الدم وفشل القلب والوقاية.',
    video: 40_000,
    clinic: 60_000,
  },
};

/**
 * Specialties and three approved doctors with profiles (issue 17), so the directory is not empty on first
 * boot. The accounts are provisioned active (as the operator vouches for them); their profiles are written
 * approved by the demo admin with a licence valid for years. Idempotent: existing rows are left alone.
 */
export async function seedDemoProviders(app: INestApplication): Promise<number> {
  const db = app.get<Db>(DB);
  let seeded = 0;
  const accounts = app.get(AdminBootstrapService);
  for (const account of DEMO_DOCTOR_ACCOUNTS) if ((await accounts.provision(account)) === 'created') seeded++;
  const found = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(inArray(users.email, [...DEMO_DOCTOR_EMAILS, 'admin@medyour.local']));
  const adminId = found.find((u) => u.email === 'admin@medyour.local')?.id;
  if (!adminId) return seeded;
  const expires = `${new Date().getUTCFullYear() + 5}-12-31`;
  await db.transaction(async (tx) => {
    seeded += (await tx.insert(specialties).values(SPECIALTIES).onConflictDoNothing().returning({ id: specialties.id }))
      .length;
    for (const doctor of found.filter((u) => u.email !== 'admin@medyour.local')) {
      const p = PROFILES[doctor.email!];
      if (!p) continue;
      const created = await tx
        .insert(doctorProfiles)
        .values({
          userId: doctor.id,
          name: doctor.name,
          licenseNumber: `EMS-${doctor.id.slice(-6)}`,
          licenseExpiresOn: expires,
          languages: p.languages,
          bioEn: p.bioEn,
          bioAr: p.bioAr,
          videoFeeMinor: p.video,
          clinicFeeMinor: p.clinic,
          clinicBranchId: DEMO_BRANCH.cairo,
          approvedAt: new Date(),
          approvedBy: adminId,
        })
        .onConflictDoNothing()
        .returning({ id: doctorProfiles.userId });
      if (created.length === 0) continue;
      seeded++;
      await tx
        .insert(doctorSpecialties)
        .values(p.specialties.map((specialtyId) => ({ doctorId: doctor.id, specialtyId })))
        .onConflictDoNothing();
    }
  });
  return seeded;
}
