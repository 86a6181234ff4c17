import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLOCK, type Clock } from '../../src/kernel/clock.js';
import type { UserActor } from '../../src/kernel/auth/index.js';
import { PrescriptionSigner, RxFillService } from '../../src/modules/prescriptions/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { bookAppointment, createBookableDoctor } from '../factories/appointments.factory.js';
import { quietAutomaticOffers } from '../factories/cart.factory.js';
import { createCategory, createProduct } from '../factories/catalog.factory.js';
import { createBranch, receive } from '../factories/inventory.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { invariantViolations } from '../support/invariants.js';

const DAY = 86_400_000;
const MISSING = '0190a0c8-0000-7000-8000-00000000dead';
type Session = Awaited<ReturnType<typeof registerUser>>;
type Doctor = Awaited<ReturnType<typeof createBookableDoctor>>;

let t: TestApp;
let adminToken: string;
let branchId: string;
let otherBranchId: string;
let pharmacist: { accessToken: string; user: { id: string } };
let strangerPharmacist: { accessToken: string; user: { id: string } };
const ing = `Rxamol${randomUUID().slice(0, 6)}`;
const p: Record<'brand' | 'generic' | 'fixed' | 'controlled' | 'otherForm', string> = {
  brand: '',
  generic: '',
  fixed: '',
  controlled: '',
  otherForm: '',
};

beforeAll(async () => {
  t = await bootTestApp();
  await quietAutomaticOffers(t);
  adminToken = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  const geo = () => ({ lat: -30 - Math.random() * 10, lng: -100 - Math.random() * 10 });
  branchId = (await createBranch(t, adminToken, geo())).id;
  otherBranchId = (await createBranch(t, adminToken, geo())).id;
  const category = (await createCategory(t, adminToken)).id;
  const make = async (o: Record<string, unknown>) => (await createProduct(t, adminToken, category, o)).id;
  const ingredients = [{ name: ing, strength: '250 mg' }];
  p.brand = await make({ nameEn: `Brand ${ing}`, ingredients, rxRequired: true, priceMinor: 5000 });
  p.generic = await make({ nameEn: `Generic ${ing}`, ingredients, rxRequired: true, priceMinor: 3000 });
  p.otherForm = await make({ nameEn: `Syrup ${ing}`, ingredients, form: 'syrup', rxRequired: true, priceMinor: 1000 });
  p.fixed = await make({
    nameEn: `Fixed ${ing}`,
    ingredients: [{ name: `${ing}x`, strength: '5 mg' }],
    rxRequired: true,
    priceMinor: 2000,
  });
  p.controlled = await make({
    nameEn: `Controlled ${ing}`,
    ingredients: [{ name: `${ing}c`, strength: '10 mg' }],
    rxRequired: true,
    controlled: true,
    priceMinor: 2500,
  });
  // The brand is out of stock at the branch; its generic equivalent (same ingredients, strength, form) is in.
  for (const id of [p.generic, p.fixed, p.controlled, p.otherForm])
    await receive(t, adminToken, branchId, { productId: id, quantity: 50 });
  pharmacist = await createStaff(t, [{ role: 'pharmacist', branchId }]);
  strangerPharmacist = await createStaff(t, [{ role: 'pharmacist', branchId: otherBranchId }]);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.close();
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
const key = () => ({ 'idempotency-key': `rx-${randomUUID()}` });

/** A patient with a consultation of a new doctor, moved to `status` (consultations drive this in the app). */
async function consultation(status = 'in_progress', doctor?: Doctor) {
  const patient = await registerUser(t);
  const doc = doctor ?? (await createBookableDoctor(t));
  const appointment = await bookAppointment(t, patient.accessToken, doc.user.id);
  await t.database.db.execute(sql`update appointments set status = ${status} where id = ${appointment.id}`);
  return { patient, doctor: doc, appointmentId: appointment.id };
}

const line = (o: Record<string, unknown> = {}) => ({
  productId: p.brand,
  dose: '1 tablet',
  frequency: 'every 8 hours',
  durationDays: 10,
  quantity: 2,
  refills: 1,
  ...o,
});

async function issue(doctorToken: string, appointmentId: string, lines: unknown[] = [line()]) {
  return t.http.post(`/v1/doctor/consultations/${appointmentId}/prescriptions`, { lines }, doctorToken, key());
}

async function issued(lines: unknown[] = [line()], status = 'in_progress') {
  const c = await consultation(status);
  const res = await issue(c.doctor.accessToken, c.appointmentId, lines);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...c, rx: res.body };
}

const deniedRows = (id: string) =>
  rows<{ actor_id: string }>(sql`select actor_id from audit_log where action = 'access.denied' and subject_id = ${id}`);
const healthReads = (id: string) =>
  rows<{ actor_id: string; details: { purpose: string }; request_id: string | null }>(
    sql`select actor_id, details, request_id from audit_log where action = 'health_data.read' and subject_id = ${id}`,
  );

async function toCart(patient: Session, id: string, body: Record<string, unknown> = { branchId }) {
  return t.http.post(`/v1/prescriptions/${id}/cart`, body, patient.accessToken, key());
}

async function checkout(patient: Session) {
  return t.http.post(
    '/v1/orders',
    { branchId, fulfilment: 'pickup', paymentMethod: 'cod' },
    patient.accessToken,
    key(),
  );
}

/** Pharmacist approves every Rx line, then the order goes to ready. */
async function verifyAndReady(orderId: string) {
  const order = await t.http.get(`/v1/admin/orders/${orderId}`, pharmacist.accessToken);
  const lines = (order.body.lines as { lineNo: number; rxRequired: boolean }[]).filter((l) => l.rxRequired);
  const verified = await t.http.post(
    `/v1/admin/orders/${orderId}/verify`,
    { lines: lines.map((l) => ({ lineNo: l.lineNo, approved: true })) },
    pharmacist.accessToken,
    key(),
  );
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  for (const to of ['preparing', 'ready'])
    expect(
      (await t.http.post(`/v1/admin/orders/${orderId}/transition`, { to }, pharmacist.accessToken, key())).status,
    ).toBe(200);
}
const complete = (orderId: string) =>
  t.http.post(`/v1/admin/orders/${orderId}/transition`, { to: 'completed' }, pharmacist.accessToken, key());

function withClockAt(ms: number) {
  const clock = t.app.get<Clock>(CLOCK);
  return vi.spyOn(clock, 'now').mockImplementation(() => new Date(ms));
}

describe('POST /v1/doctor/consultations/:id/prescriptions', () => {
  it('issues a signed prescription for the consultation’s patient, valid 90 days, with code and QR content', async () => {
    const { rx, patient, doctor, appointmentId } = await issued([
      line(),
      {
        ingredient: ing,
        strength: '250 mg',
        form: 'tablet',
        dose: '1',
        frequency: 'daily',
        durationDays: 5,
        quantity: 1,
      },
    ]);
    expect(rx).toMatchObject({
      appointmentId,
      doctorId: doctor.user.id,
      patientId: patient.user.id,
      status: 'issued',
      state: 'valid',
      controlled: false,
    });
    expect(rx.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(rx.qrContent).toMatch(new RegExp(`/v1/prescriptions/verify/${rx.code}$`));
    expect(Date.parse(rx.validUntil) - Date.parse(rx.issuedAt)).toBe(90 * DAY);
    expect(rx.lines[0]).toMatchObject({ productId: p.brand, refills: 1, dispensed: 0, remaining: 4, refillsLeft: 1 });
    expect(rx.lines[1]).toMatchObject({
      productId: null,
      ingredient: ing,
      name: `${ing} 250 mg`,
      substitutionAllowed: true,
    });
    const signer = t.app.get(PrescriptionSigner);
    expect(signer.verify(rx.signature.keyId, rx.signature.signedBody, rx.signature.value)).toBe(true);
    expect(
      signer.verify(
        rx.signature.keyId,
        rx.signature.signedBody.replace('"quantity":2', '"quantity":9'),
        rx.signature.value,
      ),
    ).toBe(false);
    expect(JSON.parse(rx.signature.signedBody)).toMatchObject({ id: rx.id, code: rx.code, patientId: patient.user.id });
  });

  it('is valid 30 days when a line is a controlled drug', async () => {
    const { rx } = await issued([line({ productId: p.controlled, refills: 0 })]);
    expect(rx.controlled).toBe(true);
    expect(Date.parse(rx.validUntil) - Date.parse(rx.issuedAt)).toBe(30 * DAY);
  });

  it('only the consultation’s doctor, only once it started, only with a valid licence', async () => {
    const c = await consultation('booked');
    expect((await issue(c.doctor.accessToken, c.appointmentId)).body.code).toBe('prescriptions/consultation-not-open');
    await t.database.db.execute(sql`update appointments set status = 'completed' where id = ${c.appointmentId}`);
    const other = await createBookableDoctor(t);
    const foreign = await issue(other.accessToken, c.appointmentId);
    expect([foreign.status, foreign.body.code]).toEqual([404, 'prescriptions/consultation-not-found']);
    const missing = await issue(c.doctor.accessToken, MISSING);
    expect([missing.status, missing.body.code]).toEqual([404, 'prescriptions/consultation-not-found']);
    const byPatient = await t.http.post(
      `/v1/doctor/consultations/${c.appointmentId}/prescriptions`,
      { lines: [line()] },
      c.patient.accessToken,
    );
    expect(byPatient.status).toBe(403);
    const unknown = await t.http.post(
      `/v1/doctor/consultations/${c.appointmentId}/prescriptions`,
      { lines: [line()], extra: 1 },
      c.doctor.accessToken,
    );
    expect(unknown.status).toBe(400);
    const both = await issue(c.doctor.accessToken, c.appointmentId, [line({ ingredient: ing, strength: '1 mg' })]);
    expect(both.status).toBe(400);
    await t.database.db.execute(
      sql`update doctor_profiles set license_expires_on = ${new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10)} where user_id = ${c.doctor.user.id}`,
    );
    const expired = await issue(c.doctor.accessToken, c.appointmentId);
    expect([expired.status, expired.body.code]).toEqual([409, 'providers/license-expired']);
    expect((await issue(c.doctor.accessToken, c.appointmentId)).status).toBe(409);
  });

  it('keeps an issued prescription immutable in the database; dispensed can never pass quantity × (1 + refills)', async () => {
    const { rx } = await issued([line({ quantity: 2, refills: 1 })]);
    await expect(
      t.database.db.execute(
        sql`update prescriptions set valid_until = valid_until + interval '1 year' where id = ${rx.id}`,
      ),
    ).rejects.toThrow();
    await expect(t.database.db.execute(sql`delete from prescriptions where id = ${rx.id}`)).rejects.toThrow();
    await expect(
      t.database.db.execute(sql`update prescription_lines set quantity = 50 where prescription_id = ${rx.id}`),
    ).rejects.toThrow();
    await expect(
      t.database.db.execute(
        sql`update prescription_lines set dispensed = 5, last_filled_at = now() where prescription_id = ${rx.id}`,
      ),
    ).rejects.toThrow();
  });
});

describe('reading prescriptions', () => {
  it('the patient lists and reads their own, the doctor theirs; others get 404 with an audit row', async () => {
    const { rx, patient, doctor } = await issued();
    const mine = await t.http.get('/v1/prescriptions?limit=1', patient.accessToken);
    expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([rx.id]);
    expect((await t.http.get(`/v1/prescriptions/${rx.id}`, patient.accessToken)).status).toBe(200);
    const written = await t.http.get('/v1/doctor/prescriptions', doctor.accessToken);
    expect(written.body.items.map((i: { id: string }) => i.id)).toEqual([rx.id]);
    expect((await t.http.get(`/v1/prescriptions/${rx.id}`, doctor.accessToken)).status).toBe(200);
    expect((await healthReads(rx.id)).map((r) => [r.actor_id, r.details.purpose])).toEqual([
      [doctor.user.id, 'treating doctor'],
    ]);
    expect((await healthReads(rx.id))[0]!.request_id).toBeTruthy();

    const otherPatient = await registerUser(t);
    const otherDoctor = await createBookableDoctor(t);
    for (const who of [otherPatient, otherDoctor, strangerPharmacist]) {
      const res = await t.http.get(`/v1/prescriptions/${rx.id}`, who.accessToken);
      expect([res.status, res.body.code]).toEqual([404, 'prescriptions/not-found']);
    }
    expect((await t.http.get('/v1/prescriptions', otherPatient.accessToken)).body.items).toEqual([]);
    expect((await t.http.get('/v1/doctor/prescriptions', otherDoctor.accessToken)).body.items).toEqual([]);
    expect((await deniedRows(rx.id)).map((r) => r.actor_id).sort()).toEqual(
      [otherPatient.user.id, otherDoctor.user.id, strangerPharmacist.user.id].sort(),
    );
    expect((await t.http.get(`/v1/prescriptions/${MISSING}`, patient.accessToken)).status).toBe(404);
  });
});

describe('GET /v1/prescriptions/verify/:code (public)', () => {
  it('answers valid without patient data, revoked after revocation, expired after its date; unknown 404', async () => {
    const { rx, doctor } = await issued();
    const res = await t.http.get(`/v1/prescriptions/verify/${rx.code.toLowerCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: rx.code, status: 'valid', signatureValid: true, validUntil: rx.validUntil });
    expect(res.body.doctorName).toBeTruthy();
    expect(JSON.stringify(res.body)).not.toContain(rx.patientId);
    expect(res.body.lines[0]).toEqual({
      lineNo: 1,
      name: `Brand ${ing}`,
      form: 'tablet',
      quantity: 2,
      refills: 1,
      refillsLeft: 1,
      remaining: 4,
      substitutionAllowed: true,
    });
    expect((await t.http.get('/v1/prescriptions/verify/0000000000')).status).toBe(404);
    expect((await t.http.get('/v1/prescriptions/verify/not-a-code')).status).toBe(404);

    const spy = withClockAt(Date.parse(rx.validUntil) + 1000);
    try {
      expect((await t.http.get(`/v1/prescriptions/verify/${rx.code}`)).body.status).toBe('expired');
    } finally {
      spy.mockRestore();
    }

    const other = await createBookableDoctor(t);
    expect(
      (await t.http.post(`/v1/doctor/prescriptions/${rx.id}/revoke`, { reason: 'x' }, other.accessToken)).status,
    ).toBe(404);
    const revoked = await t.http.post(
      `/v1/doctor/prescriptions/${rx.id}/revoke`,
      { reason: 'wrong dose' },
      doctor.accessToken,
      key(),
    );
    expect(revoked.body).toMatchObject({ status: 'revoked', state: 'revoked', revokeReason: 'wrong dose' });
    expect((await t.http.get(`/v1/prescriptions/verify/${rx.code}`)).body.status).toBe('revoked');
    const again = await t.http.post(
      `/v1/doctor/prescriptions/${rx.id}/revoke`,
      { reason: 'again' },
      doctor.accessToken,
      key(),
    );
    expect([again.status, again.body.code]).toEqual([409, 'prescriptions/not-revocable']);
    const history = await rows<{ to_status: string }>(
      sql`select to_status from prescription_transitions where prescription_id = ${rx.id} order by created_at`,
    );
    expect(history.map((h) => h.to_status)).toEqual(['issued', 'revoked']);
  });

  it('answers invalid when the stored body was changed behind the signature', async () => {
    const { rx } = await issued();
    const tamper = async (from: string, to: string) =>
      t.database.db.transaction(async (tx) => {
        // The immutability trigger is bypassed on purpose (replica role) to simulate a tampered row.
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(
          sql`update prescriptions set signed_body = replace(signed_body, ${from}, ${to}) where id = ${rx.id}`,
        );
      });
    await tamper('"quantity":2', '"quantity":20');
    try {
      const res = await t.http.get(`/v1/prescriptions/verify/${rx.code}`);
      expect(res.body).toMatchObject({ status: 'invalid', signatureValid: false });
      const violations = (await invariantViolations(t.database)).filter((v) => v.includes(rx.id));
      expect(violations).toEqual([
        `prescription row disagrees with its signed body: ${rx.id}`,
        `prescription body does not verify against its signature: ${rx.id}`,
      ]);
    } finally {
      await tamper('"quantity":20', '"quantity":2');
    }
    expect((await t.http.get(`/v1/prescriptions/verify/${rx.code}`)).body.status).toBe('valid');
  });

  it('every prescription this spec wrote keeps the invariants (dispensed within bounds, bodies verify)', async () => {
    const ours = await rows<{ id: string }>(
      sql`select p.id::text as id from prescriptions p join prescription_lines l on l.prescription_id = p.id where l.name like ${`%${ing}%`}`,
    );
    const ids = new Set(ours.map((r) => r.id));
    expect((await invariantViolations(t.database)).filter((v) => [...ids].some((id) => v.includes(id)))).toEqual([]);
  });
});

describe('Rx to cart, checkout, dispensing', () => {
  it('fills the cart with an in-stock substitute, checks out without a photo, the pharmacist sees it, refills decrease', async () => {
    const { rx, patient, doctor } = await issued([line({ quantity: 2, refills: 1, durationDays: 10 })]);
    const stranger = await registerUser(t);
    expect((await toCart(stranger, rx.id)).status).toBe(404);
    const filled = await toCart(patient, rx.id);
    expect(filled.status, JSON.stringify(filled.body)).toBe(200);
    expect(filled.body.filled).toEqual([
      expect.objectContaining({ lineNo: 1, productId: p.generic, quantity: 2, substituted: true }),
    ]);
    expect(filled.body.cart.items).toEqual([
      expect.objectContaining({ productId: p.generic, quantity: 2, prescriptionLineId: rx.lines[0].id }),
    ]);
    const order = await checkout(patient);
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect(order.body.status).toBe('pending_verification');
    expect(order.body.lines[0]).toMatchObject({ prescriptionLineId: rx.lines[0].id, prescriptionId: null });

    const staffView = await t.http.get(`/v1/admin/orders/${order.body.id}`, pharmacist.accessToken);
    expect(staffView.body.ePrescriptions.map((e: { id: string }) => e.id)).toEqual([rx.id]);
    // Now related to the pharmacist's branch: the pharmacist may read it (audited with its purpose).
    expect((await t.http.get(`/v1/prescriptions/${rx.id}`, pharmacist.accessToken)).status).toBe(200);
    const purposes = (await healthReads(rx.id))
      .filter((r) => r.actor_id === pharmacist.user.id)
      .map((r) => r.details.purpose);
    expect(purposes.sort()).toEqual(['dispensing', 'order verification']);
    expect((await t.http.get(`/v1/prescriptions/${rx.id}`, strangerPharmacist.accessToken)).status).toBe(404);

    // The verifier is never the prescriber (a doctor who also works as a pharmacist).
    const fills = t.app.get(RxFillService);
    await expect(
      fills.assertNotPrescriber({ userId: doctor.user.id } as UserActor, order.body.id),
    ).rejects.toMatchObject({
      code: 'prescriptions/verifier-is-prescriber',
    });
    await expect(
      fills.assertNotPrescriber({ userId: pharmacist.user.id } as UserActor, order.body.id),
    ).resolves.toBeUndefined();
    await verifyAndReady(order.body.id);
    expect((await complete(order.body.id)).status).toBe(200);
    const after = await t.http.get(`/v1/prescriptions/${rx.id}`, patient.accessToken);
    expect(after.body.lines[0]).toMatchObject({ dispensed: 2, remaining: 2, refillsLeft: 0 });
    const fill = await rows<{ substitution_reason: string | null }>(
      sql`select substitution_reason from prescription_fills where order_id = ${order.body.id}`,
    );
    expect(fill[0]!.substitution_reason).toMatch(/generic substitute/);

    // Early refill refused: 75% of 10 days must pass since the fill.
    const early = await toCart(patient, rx.id);
    expect([early.status, early.body.code]).toEqual([409, 'prescriptions/early-refill']);
    const spy = withClockAt(Date.now() + 8 * DAY);
    try {
      expect((await toCart(patient, rx.id)).status).toBe(200);
    } finally {
      spy.mockRestore();
    }
  });

  it('a line that may not be substituted and is out of stock is refused; a generic line takes an equivalent', async () => {
    const { rx, patient } = await issued([line({ substitutionAllowed: false })]);
    const res = await toCart(patient, rx.id);
    expect([res.status, res.body.code]).toEqual([409, 'prescriptions/not-in-stock']);
    const g = await issued([
      {
        ingredient: ing,
        strength: '250 MG',
        form: 'Tablet',
        dose: '1',
        frequency: 'daily',
        durationDays: 5,
        quantity: 1,
      },
    ]);
    const generic = await toCart(g.patient, g.rx.id);
    expect(generic.body.filled).toEqual([expect.objectContaining({ productId: p.generic, substituted: false })]);
  });

  it('a photo is still needed for Rx lines not linked to a prescription; a revoked or expired one cannot fill', async () => {
    const { rx, patient, doctor } = await issued([line({ productId: p.fixed, refills: 0 })]);
    await t.http.request('PUT', `/v1/cart/items/${p.controlled}`, {
      token: patient.accessToken,
      body: { quantity: 1 },
    });
    expect((await toCart(patient, rx.id)).status).toBe(200);
    const needs = await checkout(patient);
    expect([needs.status, needs.body.code]).toEqual([409, 'orders/prescription-required']);
    await t.http.request('DELETE', `/v1/cart/items/${p.controlled}`, { token: patient.accessToken });
    const spy = withClockAt(Date.parse(rx.validUntil) + 1000);
    try {
      expect((await toCart(patient, rx.id)).body.code).toBe('prescriptions/expired');
      expect((await checkout(patient)).body.code).toBe('prescriptions/expired');
    } finally {
      spy.mockRestore();
    }
    await t.http.post(`/v1/doctor/prescriptions/${rx.id}/revoke`, { reason: 'stop' }, doctor.accessToken, key());
    expect((await toCart(patient, rx.id)).body.code).toBe('prescriptions/revoked');
    const refused = await checkout(patient);
    expect([refused.status, refused.body.code]).toEqual([409, 'prescriptions/revoked']);
  });

  it('a prescription revoked after checkout is not dispensed: completion answers 409 and hands nothing over', async () => {
    const { rx, patient, doctor } = await issued([line({ productId: p.fixed, refills: 0 })]);
    expect((await toCart(patient, rx.id)).status).toBe(200);
    const order = await checkout(patient);
    await verifyAndReady(order.body.id);
    await t.http.post(`/v1/doctor/prescriptions/${rx.id}/revoke`, { reason: 'allergy' }, doctor.accessToken, key());
    const done = await complete(order.body.id);
    expect([done.status, done.body.code]).toEqual([409, 'prescriptions/revoked']);
    const [lineRow] = await rows<{ dispensed: number }>(
      sql`select dispensed from prescription_lines where prescription_id = ${rx.id}`,
    );
    expect(lineRow!.dispensed).toBe(0);
    expect((await t.http.get(`/v1/orders/${order.body.id}`, patient.accessToken)).body.status).toBe('ready');
  });

  it('one fill per order: a linked cart line raised to take the refills too is refused at checkout', async () => {
    const { rx, patient } = await issued([line({ productId: p.fixed, quantity: 2, refills: 2, durationDays: 30 })]);
    expect((await toCart(patient, rx.id)).status).toBe(200);
    // The cart keeps the link when the customer changes the quantity: all three fills in one order.
    const raised = await t.http.request('PUT', `/v1/cart/items/${p.fixed}`, {
      token: patient.accessToken,
      body: { quantity: 6 },
    });
    expect(raised.status).toBe(200);
    const order = await checkout(patient);
    expect([order.status, order.body.code]).toEqual([409, 'prescriptions/over-dispensed']);
    const fills = await rows<{ n: number }>(
      sql`select count(*)::int as n from prescription_fills where prescription_id = ${rx.id}`,
    );
    expect(fills[0]!.n).toBe(0);
  });

  it('two orders checked out before either completes: the second is an early refill and is not handed over', async () => {
    const { rx, patient } = await issued([line({ productId: p.fixed, quantity: 2, refills: 1, durationDays: 30 })]);
    const orders: string[] = [];
    for (let i = 0; i < 2; i++) {
      // Nothing dispensed yet, so neither Rx to cart nor checkout sees a refill.
      expect((await toCart(patient, rx.id)).status).toBe(200);
      const order = await checkout(patient);
      expect(order.status, JSON.stringify(order.body)).toBe(201);
      orders.push(order.body.id);
      await verifyAndReady(order.body.id);
    }
    expect((await complete(orders[0])).status).toBe(200);
    const second = await complete(orders[1]);
    expect([second.status, second.body.code]).toEqual([409, 'prescriptions/early-refill']);
    const [lineRow] = await rows<{ dispensed: number }>(
      sql`select dispensed from prescription_lines where prescription_id = ${rx.id}`,
    );
    expect(lineRow!.dispensed).toBe(2);
  });

  it('of two orders completing in parallel for the last units of a line, exactly one dispenses', async () => {
    const { rx, patient } = await issued([line({ productId: p.fixed, quantity: 2, refills: 0 })]);
    const orders: string[] = [];
    for (let i = 0; i < 2; i++) {
      expect((await toCart(patient, rx.id)).status).toBe(200);
      const order = await checkout(patient);
      expect(order.status, JSON.stringify(order.body)).toBe(201);
      orders.push(order.body.id);
      await verifyAndReady(order.body.id);
    }
    const results = await Promise.all(orders.map(complete));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('prescriptions/over-dispensed');
    const [lineRow] = await rows<{ dispensed: number }>(
      sql`select dispensed from prescription_lines where prescription_id = ${rx.id}`,
    );
    expect(lineRow!.dispensed).toBe(2);
    const dispensings = await rows<{ n: number }>(
      sql`select count(*)::int as n from prescription_dispensings d join prescription_lines l on l.id = d.line_id where l.prescription_id = ${rx.id}`,
    );
    expect(dispensings[0]!.n).toBe(1);
    const after = await t.http.get(`/v1/prescriptions/${rx.id}`, patient.accessToken);
    expect(after.body.lines[0]).toMatchObject({ remaining: 0, refillsLeft: 0 });
    expect((await toCart(patient, rx.id)).body.code).toBe('prescriptions/fully-dispensed');
  });
});
