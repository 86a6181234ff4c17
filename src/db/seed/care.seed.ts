import type { INestApplication } from '@nestjs/common';
import { and, eq, inArray } from 'drizzle-orm';
import { buildUserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppointmentsService } from '../../modules/appointments/index.js';
import { AvailabilityService } from '../../modules/availability/index.js';
import {
  ConsultationChatService,
  ConsultationNotesService,
  ConsultationsService,
} from '../../modules/consultations/index.js';
import { EPrescriptionsService } from '../../modules/prescriptions/index.js';
import { DB, type Db } from '../client.js';
import { appointments, users } from '../schema.js';
import { DEMO_PRODUCTS } from './demo-catalog.data.js';

const DOCTOR_EMAIL = 'mona.hassan@medyour.local';
const MINUTE = 60_000;

/**
 * A newcomer's first look at care (issue 17): the demo customer's video consultation with Dr. Mona Hassan
 * five days ago — booked and paid from the wallet the day before, checked in, admitted, a short chat, notes
 * signed, a signed e-prescription (one pack and a refill of a demo Rx product), completed and rated — so the
 * customer's appointments, prescriptions (with its verification code) and the doctor's history show on first
 * boot. Every step runs through the modules' services and their rules; only the clock is set back while it
 * runs (the seed runs before the server listens, and a clock set back expires nothing). Idempotent: done once
 * the customer has an appointment with that doctor.
 */
export async function seedDemoCare(app: INestApplication): Promise<number> {
  const db = app.get<Db>(DB);
  const found = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(inArray(users.email, ['customer@medyour.local', DOCTOR_EMAIL]));
  const customerId = found.find((u) => u.email === 'customer@medyour.local')?.id;
  const doctorId = found.find((u) => u.email === DOCTOR_EMAIL)?.id;
  const rx = DEMO_PRODUCTS.find((p) => p.rxRequired);
  if (!customerId || !doctorId || !rx) return 0;
  const [had] = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(and(eq(appointments.patientId, customerId), eq(appointments.doctorId, doctorId)))
    .limit(1);
  if (had) return 0;

  const patient = buildUserActor({ userId: customerId, sessionId: 'demo-seed', accountType: 'customer', roles: [] });
  const doctor = buildUserActor({ userId: doctorId, sessionId: 'demo-seed', accountType: 'doctor', roles: [] });
  const clock = app.get<Clock>(CLOCK);
  const at = <T>(instant: number, fn: () => Promise<T>) => travel(clock, instant, fn);

  const bookedOn = Date.now() - 6 * 24 * 60 * MINUTE;
  const slots = await at(bookedOn, () =>
    app.get(AvailabilityService).slots(doctorId, {
      from: new Date(bookedOn + 20 * 60 * MINUTE).toISOString(),
      to: new Date(bookedOn + 44 * 60 * MINUTE).toISOString(),
    }),
  );
  const slot = slots.items[0];
  if (!slot) return 0;
  const startsAt = Date.parse(slot.startsAt);
  const booked = await at(bookedOn, () =>
    app.get(AppointmentsService).book(patient, {
      doctorId,
      startsAt: slot.startsAt,
      type: 'video',
      reason: 'Sore throat and fever for three days',
      paymentMethod: 'wallet',
    }),
  );
  const consultations = app.get(ConsultationsService);
  await at(startsAt - 5 * MINUTE, async () => {
    await consultations.checkIn(patient, booked.id);
    await consultations.start(doctor, booked.id);
  });
  await at(startsAt + 5 * MINUTE, async () => {
    const chat = app.get(ConsultationChatService);
    await chat.post(patient, booked.id, { text: 'Good evening doctor, my throat hurts and I had 38.5 °C last night.' });
    await chat.post(doctor, booked.id, { text: 'Thank you. I am prescribing a course; drink plenty of water.' });
    const notes = app.get(ConsultationNotesService);
    await notes.draft(doctor, booked.id, {
      subjective: 'Sore throat and fever (38.5 °C) for three days; no cough.',
      objective: 'Video examination: red, swollen tonsils; speaks comfortably.',
      assessment: 'Acute tonsillitis, probably bacterial.',
      plan: 'Seven-day course as prescribed; fluids; review if no better in 72 hours.',
    });
    await notes.sign(doctor, booked.id);
    await app.get(EPrescriptionsService).issue(doctor, booked.id, {
      lines: [
        {
          productId: rx.id,
          dose: '1 tablet',
          frequency: 'every 12 hours',
          durationDays: 7,
          quantity: 1,
          refills: 1,
          substitutionAllowed: true,
        },
      ],
    });
  });
  await at(startsAt + 25 * MINUTE, async () => {
    await consultations.complete(doctor, booked.id);
    await consultations.rate(patient, booked.id, { stars: 5, comment: 'Clear and kind (demo data)' });
  });
  return 1;
}

/** `fn` with the clock reading `instant` (and moving on from it), then the clock as it was. */
async function travel<T>(clock: Clock, instant: number, fn: () => Promise<T>): Promise<T> {
  const original = clock.now;
  const offset = instant - Date.now();
  clock.now = () => new Date(Date.now() + offset);
  try {
    return await fn();
  } finally {
    clock.now = original;
  }
}
