import { z } from 'zod';
import { dateSchema, idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { isLanguageCode } from './providers.rules.js';

const INT32 = 2_147_483_647;
const name = z.string().trim().min(1).max(100);
const icon = z.string().trim().min(1).max(200);
const bio = z.string().trim().min(1).max(4000);
const fee = z.number().int().min(0).max(INT32);
/** An ISO 639-1 code, any case, handed on in lower case. */
const language = z
  .string()
  .trim()
  .toLowerCase()
  .refine(isLanguageCode, { message: 'must be an ISO 639-1 language code (e.g. ar, en)' });

export const specialtyIdParam = idSchema;
export const doctorIdParam = idSchema;

export const createSpecialtyBody = z.strictObject({ nameEn: name, nameAr: name, icon: icon.nullable().optional() });
export type CreateSpecialtyBody = z.infer<typeof createSpecialtyBody>;

/** `active: false` retires a specialty: it leaves the public list, the doctors who hold it keep it. */
export const updateSpecialtyBody = z
  .strictObject({
    nameEn: name.optional(),
    nameAr: name.optional(),
    icon: icon.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field is required' });
export type UpdateSpecialtyBody = z.infer<typeof updateSpecialtyBody>;

/** The whole profile, replaced on each PUT. */
export const profileBody = z.strictObject({
  specialtyIds: z.array(idSchema).min(1).max(10),
  licenseNumber: z.string().trim().min(3).max(64),
  licenseExpiresOn: dateSchema,
  languages: z.array(language).min(1).max(10),
  bioEn: bio,
  bioAr: bio,
  videoFeeMinor: fee,
  clinicFeeMinor: fee,
  clinicBranchId: idSchema.nullable().optional(),
});
export type ProfileBody = z.infer<typeof profileBody>;

export const doctorsQuery = pageQuery.extend({
  specialtyId: idSchema.optional(),
  q: z.string().trim().min(1).max(100).optional(),
  language: language.optional(),
});
export type DoctorsQuery = z.infer<typeof doctorsQuery>;

// ---- responses
export const specialtyView = z.object({
  id: z.string(),
  nameEn: z.string(),
  nameAr: z.string(),
  icon: z.string().nullable(),
});
export type SpecialtyView = z.infer<typeof specialtyView>;
export const adminSpecialtyView = specialtyView.extend({
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AdminSpecialtyView = z.infer<typeof adminSpecialtyView>;
export const adminSpecialtyResponse = z.object({ specialty: adminSpecialtyView });
export const specialtiesResponse = z.object({ items: z.array(specialtyView) });

const practice = {
  specialties: z.array(specialtyView),
  languages: z.array(z.string()),
  bioEn: z.string(),
  bioAr: z.string(),
  videoFeeMinor: z.number().int(),
  clinicFeeMinor: z.number().int(),
  clinicBranchId: z.string().nullable(),
  ratingAverage: z.number(),
  ratingCount: z.number().int(),
};

/** A doctor as the public directory shows them (`id` is the doctor's user id). */
export const doctorView = z.object({ id: z.string(), name: z.string(), ...practice });
export type DoctorView = z.infer<typeof doctorView>;
export const doctorResponse = z.object({ doctor: doctorView });
export const doctorsPage = pageSchema(doctorView);

/** The doctor's own profile, with its licence and approval. */
export const ownProfileView = z.object({
  doctorId: z.string(),
  ...practice,
  specialtyIds: z.array(z.string()),
  licenseNumber: z.string(),
  licenseExpiresOn: z.string(),
  approvedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type OwnProfileView = z.infer<typeof ownProfileView>;
export const ownProfileResponse = z.object({ profile: ownProfileView.nullable() });
