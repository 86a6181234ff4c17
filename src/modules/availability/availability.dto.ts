import { z } from 'zod';
import { dateSchema, idSchema, instantSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { canonicalTimeZone, isTimeZone } from '../branches/index.js';
import { END_HH_MM, HH_MM, firstOverlap, minutesOf, type LocalInterval } from './availability.rules.js';

/** The widest window of one slot search, in days (the answer stays small and the search fast). */
export const MAX_SLOT_WINDOW_DAYS = 31;

const timeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as Africa/Cairo')
  .transform(canonicalTimeZone)
  .describe('IANA time zone of the doctor, e.g. Africa/Cairo: every HH:mm and date below is read on its clocks');

const start = z.string().regex(HH_MM, 'must be HH:mm (00:00-23:59)');
const end = z.string().regex(END_HH_MM, 'must be HH:mm (00:00-23:59, or 24:00 for midnight at the end of the day)');
const startBeforeEnd = { path: ['end'], message: 'must be after start (an interval never crosses midnight)' };

const interval = z.strictObject({ start, end }).refine((iv) => minutesOf(iv.start) < minutesOf(iv.end), startBeforeEnd);
const weeklyInterval = z
  .strictObject({ day: z.number().int().min(0).max(6).describe('0 = Sunday ... 6 = Saturday'), start, end })
  .refine((iv) => minutesOf(iv.start) < minutesOf(iv.end), startBeforeEnd);

/** Each overlap inside one day, as a field problem on the later interval. */
function noOverlaps(ivs: readonly LocalInterval[], path: (i: number) => (string | number)[], ctx: z.RefinementCtx) {
  const pair = firstOverlap(ivs.filter((iv) => minutesOf(iv.start) < minutesOf(iv.end)));
  if (!pair) return;
  const valid = ivs.map((iv, i) => ({ iv, i })).filter(({ iv }) => minutesOf(iv.start) < minutesOf(iv.end));
  ctx.addIssue({
    code: 'custom',
    path: path(valid[pair[1]].i),
    message: `overlaps ${valid[pair[0]].iv.start}-${valid[pair[0]].iv.end} on the same day`,
  });
}

export const putAvailabilityBody = z
  .strictObject({
    timeZone,
    slotMinutes: z.number().int().min(5).max(480).describe('Length of each slot (real minutes)'),
    bufferMinutes: z.number().int().min(0).max(240).describe('Free minutes kept after each appointment'),
    minNoticeMinutes: z
      .number()
      .int()
      .min(0)
      .max(43_200)
      .describe('No slot starts sooner than this after now (at most 30 days)'),
    maxDaysAhead: z.number().int().min(1).max(365).describe('No slot starts this many days or more after now'),
    weekly: z
      .array(weeklyInterval)
      .max(70)
      .describe('Working intervals per weekday, on the doctor’s clocks; several a day, never overlapping'),
    overrides: z
      .array(
        z.strictObject({
          date: dateSchema.describe('A date on the doctor’s clocks'),
          intervals: z.array(interval).max(10).describe('That day’s intervals instead of the weekday’s; [] = day off'),
        }),
      )
      .max(400)
      .default([]),
  })
  .superRefine((body, ctx) => {
    for (let day = 0; day <= 6; day++) {
      const idx = body.weekly.map((w, i) => ({ w, i })).filter(({ w }) => w.day === day);
      noOverlaps(
        idx.map(({ w }) => w),
        (k) => ['weekly', idx[k].i, 'start'],
        ctx,
      );
    }
    const seen = new Set<string>();
    body.overrides.forEach((o, i) => {
      if (seen.has(o.date)) ctx.addIssue({ code: 'custom', path: ['overrides', i, 'date'], message: 'is given twice' });
      seen.add(o.date);
      noOverlaps(o.intervals, (k) => ['overrides', i, 'intervals', k, 'start'], ctx);
    });
  });
export type PutAvailabilityBody = z.infer<typeof putAvailabilityBody>;

const localInterval = z.object({ start: z.string(), end: z.string() });
export const availabilityView = z
  .object({
    doctorId: z.string(),
    timeZone: z.string(),
    slotMinutes: z.number().int(),
    bufferMinutes: z.number().int(),
    minNoticeMinutes: z.number().int(),
    maxDaysAhead: z.number().int(),
    weekly: z.array(localInterval.extend({ day: z.number().int() })),
    overrides: z.array(z.object({ date: z.string(), intervals: z.array(localInterval) })),
    updatedAt: z.string(),
  })
  .meta({ id: 'DoctorAvailability' });
export type AvailabilityView = z.infer<typeof availabilityView>;

const MAX_TIME_OFF_DAYS = 366;
export const timeOffBody = z
  .strictObject({
    startsAt: instantSchema,
    endsAt: instantSchema,
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .refine((b) => Date.parse(b.endsAt) > Date.parse(b.startsAt), { path: ['endsAt'], message: 'must be after startsAt' })
  .refine((b) => Date.parse(b.endsAt) - Date.parse(b.startsAt) <= MAX_TIME_OFF_DAYS * 86_400_000, {
    path: ['endsAt'],
    message: `must be at most ${MAX_TIME_OFF_DAYS} days after startsAt`,
  });
export type TimeOffBody = z.infer<typeof timeOffBody>;

export const timeOffView = z
  .object({
    id: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'DoctorTimeOff' });
export type TimeOffView = z.infer<typeof timeOffView>;

export const timeOffPage = pageSchema(timeOffView);
export const timeOffQuery = pageQuery;
export type TimeOffQuery = z.infer<typeof timeOffQuery>;

export const timeOffIdParam = idSchema;
export const doctorIdParam = idSchema;

const dateOrInstant = z.union([dateSchema, instantSchema]);
export const slotsQuery = z.strictObject({
  from: dateOrInstant.optional().describe('A date (its start on the doctor’s clocks) or an instant; default now'),
  to: dateOrInstant
    .optional()
    .describe(
      `A date (included, to its end on the doctor’s clocks) or an instant; default from + 7 days; at most ${MAX_SLOT_WINDOW_DAYS} days after from`,
    ),
});
export type SlotsQuery = z.infer<typeof slotsQuery>;

export const slotsView = z
  .object({
    doctorId: z.string(),
    timeZone: z.string(),
    from: z.string(),
    to: z.string(),
    items: z.array(z.object({ startsAt: z.string(), endsAt: z.string() })),
  })
  .meta({ id: 'DoctorSlots' });
export type SlotsView = z.infer<typeof slotsView>;
