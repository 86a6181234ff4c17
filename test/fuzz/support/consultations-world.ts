import { sql } from 'drizzle-orm';
import { newId } from '../../../src/kernel/ids.js';
import { insertCustomers } from '../../factories/user.factory.js';
import type { World } from './world.js';

let seq = 0;

/**
 * An appointment written straight to the database for the fuzzer's consultation routes (their valid request
 * needs a consultation of the caller in a given state at a given time, which the booking routes cannot make
 * quickly or repeatedly for one doctor): as the patient, the admin with a new doctor row each time; as the
 * doctor, the world's doctor with a new patient row, each booking in its own minute so none overlap.
 */
export async function fuzzConsultation(
  w: World,
  as: 'patient' | 'doctor',
  status: 'booked' | 'checked_in' | 'in_progress' | 'completed',
): Promise<string> {
  const [other] = await insertCustomers(w.t, 1);
  const [doctorId, patientId] = as === 'patient' ? [other, w.admin.user.id] : [w.doctor.user.id, other];
  // The patient's bookings start in five minutes (check-in and video are open); the doctor's are a minute
  // long, one per minute going back from now (starting is allowed once the start is near or past).
  const startsIn = as === 'patient' ? 5 : -1.5 * seq++;
  const id = newId();
  await w.t.database.db.execute(
    sql`insert into appointments (id, doctor_id, patient_id, starts_at, ends_at, busy_until, type, status, fee_minor,
          currency, free_cancel_hours, late_cancel_fee_percent, reschedule_cap)
        values (${id}, ${doctorId}, ${patientId}, now() + make_interval(secs => ${startsIn * 60}),
          now() + make_interval(secs => ${startsIn * 60 + (as === 'patient' ? 1800 : 60)}),
          now() + make_interval(secs => ${startsIn * 60 + (as === 'patient' ? 1800 : 60)}),
          'video', ${status}, 0, 'EGP', 24, 50, 2)`,
  );
  return id;
}
