import type { INestApplication } from '@nestjs/common';
import { inArray } from 'drizzle-orm';
import { DB, type Db } from '../client.js';
import { doctorAvailability, users } from '../schema.js';
import { DEMO_DOCTOR_EMAILS } from './providers.seed.js';

/** Saturday to Thursday (Friday off), mornings and evenings, as Cairo clinics keep them. */
const CAIRO_WEEK = [6, 0, 1, 2, 3, 4].flatMap((day) => [
  { day, start: '10:00', end: '14:00' },
  { day, start: '18:00', end: '22:00' },
]);

/**
 * Weekly availability in Africa/Cairo for the three demo doctors (issue 17), so their slots show on first
 * boot: 30-minute slots, 10 minutes between appointments, two hours' notice, 30 days ahead. Idempotent: a
 * schedule a doctor has already set is left alone.
 */
export async function seedDemoAvailability(app: INestApplication): Promise<number> {
  const db = app.get<Db>(DB);
  const doctors = await db.select({ id: users.id }).from(users).where(inArray(users.email, DEMO_DOCTOR_EMAILS));
  if (doctors.length === 0) return 0;
  const created = await db
    .insert(doctorAvailability)
    .values(
      doctors.map((d) => ({
        doctorId: d.id,
        timeZone: 'Africa/Cairo',
        slotMinutes: 30,
        bufferMinutes: 10,
        minNoticeMinutes: 120,
        maxDaysAhead: 30,
        weekly: CAIRO_WEEK,
        overrides: [],
      })),
    )
    .onConflictDoNothing()
    .returning({ id: doctorAvailability.doctorId });
  return created.length;
}
