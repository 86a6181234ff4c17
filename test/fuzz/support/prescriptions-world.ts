import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { newId } from '../../../src/kernel/ids.js';
import { createBookableDoctor } from '../../factories/appointments.factory.js';
import { insertProduct } from '../../factories/offers.factory.js';
import { issuePrescription } from '../../factories/prescriptions.factory.js';
import { insertCustomers } from '../../factories/user.factory.js';
import type { World } from './world.js';

type Doctor = Awaited<ReturnType<typeof createBookableDoctor>>;
const prescriber = new WeakMap<World, Promise<{ doctor: Doctor; productId: string }>>();
const owned = new WeakMap<World, Promise<{ id: string; code: string }>>();
let seq = 0;

/** One approved doctor with a licence (prescribing needs both) and one Rx product per world. */
const prescriberOf = (w: World) => {
  let p = prescriber.get(w);
  if (!p) {
    p = (async () => ({
      doctor: await createBookableDoctor(w.t),
      productId: (await insertProduct(w.t, { rxRequired: true })).id,
    }))();
    prescriber.set(w, p);
  }
  return p;
};

/** The admin's own e-prescription (the admin as the patient), made once: reads and Rx to cart leave it fillable. */
const adminPrescription = (w: World) => {
  let p = owned.get(w);
  if (!p) {
    p = issuePrescription(w.t, w.admin.accessToken).then((r) => ({ id: r.id, code: r.code }));
    owned.set(w, p);
  }
  return p;
};

/** A consultation of the world's prescriber in progress, written straight to the database, one a minute back. */
async function consultationOf(w: World): Promise<string> {
  const { doctor } = await prescriberOf(w);
  const [patientId] = await insertCustomers(w.t, 1);
  const id = newId();
  const at = -2 * ++seq;
  await w.t.database.db.execute(
    sql`insert into appointments (id, doctor_id, patient_id, starts_at, ends_at, busy_until, type, status, fee_minor,
          currency, free_cancel_hours, late_cancel_fee_percent, reschedule_cap)
        values (${id}, ${doctor.user.id}, ${patientId}, now() + make_interval(days => 40, secs => ${at * 60}),
          now() + make_interval(days => 40, secs => ${at * 60 + 60}), now() + make_interval(days => 40, secs => ${at * 60 + 60}),
          'video', 'in_progress', 0, 'EGP', 24, 50, 2)`,
  );
  return id;
}

const line = (productId: string) => ({
  productId,
  dose: '1 tablet',
  frequency: 'daily',
  durationDays: 10,
  quantity: 1,
  refills: 1,
});

/** A new prescription of the world's prescriber (revoking consumes one). */
async function doctorsPrescription(w: World): Promise<string> {
  const { doctor, productId } = await prescriberOf(w);
  const res = await w.t.http.post(
    `/v1/doctor/consultations/${await consultationOf(w)}/prescriptions`,
    { lines: [line(productId)] },
    doctor.accessToken,
  );
  if (res.status !== 201) throw new Error(`prescription failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

const key = () => ({ 'idempotency-key': `fuzz-${randomUUID()}` });
const asPrescriber = async (w: World) => ({
  ...key(),
  authorization: `Bearer ${(await prescriberOf(w)).doctor.accessToken}`,
});

/** Fuzz hints of the e-prescription routes (spread into test/fuzz/support/hints.ts). */
export const PRESCRIPTION_HINTS = {
  'GET /v1/prescriptions': { query: () => [] as [string, unknown][] },
  'GET /v1/prescriptions/{id}': { owned: true, params: async (w: World) => ({ id: (await adminPrescription(w)).id }) },
  'POST /v1/prescriptions/{id}/cart': {
    owned: true,
    params: async (w: World) => ({ id: (await adminPrescription(w)).id }),
    headers: key,
    body: () => ({}),
  },
  'GET /v1/prescriptions/verify/{code}': { params: async (w: World) => ({ code: (await adminPrescription(w)).code }) },
  // The caller is the world's prescriber (its token in the header: the hint's caller is chosen synchronously).
  'POST /v1/doctor/consultations/{id}/prescriptions': {
    params: async (w: World) => ({ id: await consultationOf(w) }),
    headers: asPrescriber,
    body: async (w: World) => ({ lines: [line((await prescriberOf(w)).productId)] }),
  },
  'GET /v1/doctor/prescriptions': { caller: (w: World) => w.doctor, query: () => [] as [string, unknown][] },
  'POST /v1/doctor/prescriptions/{id}/revoke': {
    params: async (w: World) => ({ id: await doctorsPrescription(w) }),
    headers: asPrescriber,
    body: () => ({ reason: 'fuzz revocation' }),
  },
};
