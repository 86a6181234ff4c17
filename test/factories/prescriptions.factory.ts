import { sql } from 'drizzle-orm';
import type { TestApp } from '../setup/app.js';
import { bookAppointment, createBookableDoctor } from './appointments.factory.js';
import { insertProduct } from './offers.factory.js';

/**
 * An e-prescription for the patient: a new doctor, a booked consultation moved to in_progress (consultations
 * drive that step in the app), then POST /v1/doctor/consultations/:id/prescriptions with one Rx line.
 */
export async function issuePrescription(t: TestApp, patientToken: string, line: Record<string, unknown> = {}) {
  const doctor = await createBookableDoctor(t);
  const appointment = await bookAppointment(t, patientToken, doctor.user.id);
  await t.database.db.execute(sql`update appointments set status = 'in_progress' where id = ${appointment.id}`);
  const productId = (line.productId as string | undefined) ?? (await insertProduct(t, { rxRequired: true })).id;
  const res = await t.http.post(
    `/v1/doctor/consultations/${appointment.id}/prescriptions`,
    {
      lines: [{ productId, dose: '1 tablet', frequency: 'daily', durationDays: 10, quantity: 1, refills: 1, ...line }],
    },
    doctor.accessToken,
  );
  if (res.status !== 201) throw new Error(`prescription failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    ...(res.body as { id: string; code: string; lines: { id: string }[] }),
    doctor,
    appointmentId: appointment.id,
  };
}
