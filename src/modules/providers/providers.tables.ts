import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';

export const specialties = pgTable(
  'specialties',
  {
    id: pk(),
    nameEn: text('name_en').notNull(),
    nameAr: text('name_ar').notNull(),
    icon: text('icon'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('specialties_name_en_key').on(sql`lower(${t.nameEn})`)],
);

/**
 * A doctor's practice profile, keyed by their user id (migration 0017 holds the keys to users and branches:
 * modules do not import each other's tables). `name` is the account's name copied at approval, for the
 * directory's display and search.
 */
export const doctorProfiles = pgTable(
  'doctor_profiles',
  {
    userId: uuid('user_id').primaryKey(),
    name: text('name'),
    licenseNumber: text('license_number').notNull(),
    licenseExpiresOn: date('license_expires_on', { mode: 'string' }).notNull(),
    languages: text('languages').array().notNull(),
    bioEn: text('bio_en').notNull(),
    bioAr: text('bio_ar').notNull(),
    videoFeeMinor: integer('video_fee_minor').notNull(),
    clinicFeeMinor: integer('clinic_fee_minor').notNull(),
    clinicBranchId: uuid('clinic_branch_id'),
    ratingCount: integer('rating_count').notNull().default(0),
    ratingSum: integer('rating_sum').notNull().default(0),
    approvedAt: tsz('approved_at'),
    approvedBy: uuid('approved_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('doctor_profiles_listed_idx')
      .on(t.userId, t.licenseExpiresOn)
      .where(sql`${t.approvedAt} IS NOT NULL`),
    check('doctor_profiles_fees', sql`${t.videoFeeMinor} >= 0 AND ${t.clinicFeeMinor} >= 0`),
    check(
      'doctor_profiles_rating',
      sql`${t.ratingCount} >= 0 AND ${t.ratingSum} BETWEEN ${t.ratingCount} AND 5 * ${t.ratingCount}`,
    ),
    check('doctor_profiles_approval', sql`(${t.approvedAt} IS NULL) = (${t.approvedBy} IS NULL)`),
    check('doctor_profiles_languages', sql`cardinality(${t.languages}) > 0`),
  ],
);

export const doctorSpecialties = pgTable(
  'doctor_specialties',
  {
    doctorId: uuid('doctor_id')
      .notNull()
      .references(() => doctorProfiles.userId, { onDelete: 'cascade' }),
    specialtyId: uuid('specialty_id')
      .notNull()
      .references(() => specialties.id, { onDelete: 'restrict' }),
  },
  (t) => [
    primaryKey({ name: 'doctor_specialties_pk', columns: [t.doctorId, t.specialtyId] }),
    index('doctor_specialties_specialty_idx').on(t.specialtyId, t.doctorId),
  ],
);
