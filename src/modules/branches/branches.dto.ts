import { z } from 'zod';
import { idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { CLOSES, HH_MM, canonicalTimeZone, isTimeZone } from './branches.rules.js';

const name = z.string().trim().min(1).max(200);
/** E.164: + and 8-15 digits (landlines included). */
const phone = z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be in E.164 format, e.g. +20223456789');
const lat = z.number().min(-90).max(90);
const lng = z.number().min(-180).max(180);
const timeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as Africa/Cairo')
  .transform(canonicalTimeZone)
  .describe('IANA time zone of the branch, e.g. Africa/Cairo (opening hours are read on its clock)');

export const openingHoursEntry = z
  .strictObject({
    day: z.number().int().min(0).max(6).describe('0 = Sunday ... 6 = Saturday'),
    opens: z.string().regex(HH_MM, 'must be HH:mm (00:00-23:59)'),
    closes: z
      .string()
      .regex(CLOSES, 'must be HH:mm (00:00-23:59, or 24:00)')
      .describe('Earlier than opens: the interval ends the next day'),
  })
  .refine((h) => h.opens !== h.closes, {
    path: ['closes'],
    message: 'must differ from opens (use 00:00-24:00 for a whole day)',
  });
const openingHours = z.array(openingHoursEntry).max(50);

export const createBranchBody = z.strictObject({
  nameEn: name,
  nameAr: name,
  address: z.string().trim().min(1).max(500),
  lat,
  lng,
  phone,
  timeZone,
  deliveryRadiusKm: z.number().min(0).max(500),
  openingHours: openingHours.default([]),
});
export type CreateBranchBody = z.infer<typeof createBranchBody>;

export const updateBranchBody = z
  .strictObject({
    nameEn: name.optional(),
    nameAr: name.optional(),
    address: z.string().trim().min(1).max(500).optional(),
    lat: lat.optional(),
    lng: lng.optional(),
    phone: phone.optional(),
    timeZone: timeZone.optional(),
    deliveryRadiusKm: z.number().min(0).max(500).optional(),
    openingHours: openingHours.optional(),
    active: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field is required' });
export type UpdateBranchBody = z.infer<typeof updateBranchBody>;

/** A decimal in a query string (`z.coerce` would read '' and ' ' as 0). */
export const decimalQuery = (min: number, max: number) =>
  z
    .string()
    .regex(/^[-+]?\d{1,3}(?:\.\d{1,20})?(?:[eE][-+]?\d{1,3})?$/, 'must be a decimal number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));
export const latQuery = decimalQuery(-90, 90).describe('Latitude of the point to measure from (with lng)');
export const lngQuery = decimalQuery(-180, 180).describe('Longitude of the point to measure from (with lat)');

export const listBranchesQuery = pageQuery
  .extend({ lat: latQuery.optional(), lng: lngQuery.optional() })
  .refine((q) => (q.lat === undefined) === (q.lng === undefined), {
    path: ['lng'],
    message: 'lat and lng go together',
  });
export type ListBranchesQuery = z.infer<typeof listBranchesQuery>;

export const branchIdParam = idSchema;

// ---- responses
export const branchView = z.object({
  id: z.string(),
  nameEn: z.string(),
  nameAr: z.string(),
  address: z.string(),
  lat: z.number(),
  lng: z.number(),
  phone: z.string(),
  timeZone: z.string(),
  deliveryRadiusKm: z.number(),
  openingHours: z.array(z.object({ day: z.number().int(), opens: z.string(), closes: z.string() })),
  active: z.boolean(),
  openNow: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type BranchView = z.infer<typeof branchView>;
export const nearBranchView = branchView.extend({
  /** Great-circle distance from the given point; null when no point was given. */
  distanceKm: z.number().nullable(),
});
export type NearBranchView = z.infer<typeof nearBranchView>;
export const branchesPage = pageSchema(nearBranchView);
