import { sql } from 'drizzle-orm';
import type { TestApp } from '../setup/app.js';
import { bookAppointment, createBookableDoctor } from './appointments.factory.js';

/**
 * A free video booking of a new doctor whose 30-minute slot starts `startsInMinutes` from now (booked two
 * days ahead through the API, then moved in the database: slots are offered on the half hour, and the video
 * and check-in windows are minutes wide). The doctor is new, so the move overlaps none of their bookings.
 */
export async function bookConsultation(t: TestApp, patientToken: string, startsInMinutes = 5) {
  const doctor = await createBookableDoctor(t);
  const booked = await bookAppointment(t, patientToken, doctor.user.id);
  await t.database.db.execute(
    sql`update appointments set starts_at = now() + make_interval(mins => ${startsInMinutes}),
          ends_at = now() + make_interval(mins => ${startsInMinutes + 30}),
          busy_until = now() + make_interval(mins => ${startsInMinutes + 30})
        where id = ${booked.id}`,
  );
  return { id: booked.id, doctor, patientId: booked.patientId };
}

/** The same, checked in by the patient and admitted by the doctor (in_progress): chat and notes are open. */
export async function startedConsultation(t: TestApp, patientToken: string) {
  const c = await bookConsultation(t, patientToken);
  const checkIn = await t.http.post(`/v1/appointments/${c.id}/check-in`, undefined, patientToken);
  if (checkIn.status !== 200) throw new Error(`check-in failed: ${checkIn.status} ${JSON.stringify(checkIn.body)}`);
  const start = await t.http.post(`/v1/doctor/consultations/${c.id}/start`, undefined, c.doctor.accessToken);
  if (start.status !== 200) throw new Error(`start failed: ${start.status} ${JSON.stringify(start.body)}`);
  return c;
}
