import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';
import type { DateOverride, WeeklyInterval } from './availability.rules.js';

/**
 * A doctor's working hours (migration 0018): one row per doctor, weekly wall-clock intervals and date
 * overrides read in `time_zone`. Written only for accounts of type doctor (the service checks the caller).
 */
export const doctorAvailability = pgTable(
  'doctor_availability',
  {
    // References users (migration 0018): the doctor's user id.
    doctorId: uuid('doctor_id').primaryKey(),
    timeZone: text('time_zone').notNull(),
    slotMinutes: integer('slot_minutes').notNull(),
    bufferMinutes: integer('buffer_minutes').notNull(),
    minNoticeMinutes: integer('min_notice_minutes').notNull(),
    maxDaysAhead: integer('max_days_ahead').notNull(),
    weekly: jsonb('weekly').$type<WeeklyInterval[]>().notNull(),
    overrides: jsonb('overrides').$type<DateOverride[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('doctor_availability_slot', sql`${t.slotMinutes} BETWEEN 5 AND 480`),
    check('doctor_availability_buffer', sql`${t.bufferMinutes} BETWEEN 0 AND 240`),
    check('doctor_availability_notice', sql`${t.minNoticeMinutes} BETWEEN 0 AND 43200`),
    check('doctor_availability_ahead', sql`${t.maxDaysAhead} BETWEEN 1 AND 365`),
    check('doctor_availability_weekly', sql`jsonb_typeof(${t.weekly}) = 'array'`),
    check('doctor_availability_overrides', sql`jsonb_typeof(${t.overrides}) = 'array'`),
  ],
);

/** A doctor's time off (migration 0018): real instants, no slot overlaps one. */
export const doctorTimeOff = pgTable(
  'doctor_time_off',
  {
    id: pk(),
    // References users (migration 0018).
    doctorId: uuid('doctor_id').notNull(),
    startsAt: tsz('starts_at').notNull(),
    endsAt: tsz('ends_at').notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('doctor_time_off_doctor_idx').on(t.doctorId, t.endsAt),
    check('doctor_time_off_range', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);
