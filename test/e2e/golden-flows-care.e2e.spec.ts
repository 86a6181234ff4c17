import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type MedyourClient } from '../../clients/typescript/src/index.js';
import { createBookableDoctor } from '../factories/appointments.factory.js';
import { buildCategory, buildProduct } from '../factories/catalog.factory.js';
import { quietAutomaticOffers } from '../factories/cart.factory.js';
import { buildBranch, inDays } from '../factories/inventory.factory.js';
import { creditWallet } from '../factories/payments.factory.js';
import { PASSWORD } from '../factories/user.factory.js';
import { bootGolden, refusal, type Golden } from './support/golden.js';
import { connect, next } from './support/realtime.js';

/**
 * Golden flow of care through @medyour/client (issue 17's proof): a customer books a paid video slot from the
 * wallet, checks in, the doctor admits, they chat over Socket.IO, the doctor signs notes and issues a
 * prescription, anyone verifies it by its code, the customer turns it into a cart and an order, the branch's
 * pharmacist sees the e-prescription linked, the order completes and the prescription has a fill less left.
 */
let g: Golden;
let admin: MedyourClient;
let customer: MedyourClient;
let doctor: MedyourClient;
let pharmacist: MedyourClient;
const sockets: Socket[] = [];
const ids = { branch: '', rx: '', customer: '', doctor: '' };
const tokens = { customer: '', doctor: '' };
const here = { lat: -30 - Math.random() * 3, lng: 150 + Math.random() * 3 };
const FEE = 5000;

beforeAll(async () => {
  g = await bootGolden();
  await quietAutomaticOffers(g.t);
  admin = (await g.staffClient([{ role: 'admin', branchId: null }])).client;
  ids.branch = ok(await admin.POST('/v1/admin/branches', { body: buildBranch(here) })).id;
  const categoryId = ok(await admin.POST('/v1/admin/categories', { body: buildCategory() })).id;
  ids.rx = ok(
    await admin.POST('/v1/admin/products', { body: buildProduct(categoryId, { priceMinor: 3000, rxRequired: true }) }),
  ).id;
  ok(
    await admin.POST('/v1/admin/branches/{id}/stock/receive', {
      params: { path: { id: ids.branch } },
      body: { productId: ids.rx, lotNumber: 'CARE-1', expiresOn: inDays(400), quantity: 10 },
    }),
  );
  pharmacist = (await g.staffClient([{ role: 'pharmacist', branchId: ids.branch }])).client;
  const doc = await createBookableDoctor(g.t, { videoFeeMinor: FEE });
  ids.doctor = doc.user.id;
  tokens.doctor = doc.accessToken;
  doctor = g.newClient({ accessToken: doc.accessToken, refreshToken: doc.refreshToken });
  customer = g.newClient();
  const registered = ok(
    await customer.POST('/v1/auth/register', {
      body: { name: 'Care Patient', email: `care-${randomUUID().slice(0, 8)}@example.com`, password: PASSWORD },
    }),
  );
  ids.customer = registered.user.id;
  tokens.customer = registered.accessToken;
  await creditWallet(g.t, ids.customer, 20_000);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await g.close();
});

const key = () => ({ 'Idempotency-Key': `golden-${randomUUID()}` });

describe('golden flow: a video consultation to a filled e-prescription through @medyour/client', () => {
  it('books from the wallet, consults, prescribes, verifies, fills at the pharmacy and counts the fill', async () => {
    // Booking: a slot two days ahead, paid from the wallet in the booking's transaction.
    const from = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const slots = ok(
      await customer.GET('/v1/doctors/{id}/slots', { params: { path: { id: ids.doctor }, query: { from } } }),
    );
    const booked = ok(
      await customer.POST('/v1/appointments', {
        body: { doctorId: ids.doctor, startsAt: slots.items[0].startsAt, type: 'video' },
        headers: key(),
      }),
    );
    expect(booked).toMatchObject({ status: 'booked', feeMinor: FEE, doctorId: ids.doctor, patientId: ids.customer });
    expect(ok(await customer.GET('/v1/wallet', {})).balanceMinor).toBe(20_000 - FEE);

    // The consultation's hour comes: the booking is moved to start in five minutes (the waiting room and
    // video windows are minutes wide; slots are offered from now on, on the half hour).
    await g.t.database.db.execute(
      sql`update appointments set starts_at = now() + interval '5 minutes', ends_at = now() + interval '35 minutes',
            busy_until = now() + interval '35 minutes' where id = ${booked.id}`,
    );
    const patientSocket = await connect(g.baseUrl, tokens.customer);
    const doctorSocket = await connect(g.baseUrl, tokens.doctor);
    sockets.push(patientSocket, doctorSocket);

    ok(await customer.POST('/v1/appointments/{id}/check-in', { params: { path: { id: booked.id } } }));
    const started = ok(
      await doctor.POST('/v1/doctor/consultations/{id}/start', { params: { path: { id: booked.id } } }),
    );
    expect(started.status).toBe('in_progress');
    const video = ok(await customer.GET('/v1/consultations/{id}/video', { params: { path: { id: booked.id } } }));
    expect(video.url).toContain('jwt=');

    // Chat: what one side posts reaches the other live.
    const toDoctor = next<{ consultationId: string; text: string }>(doctorSocket, 'consultation.message');
    ok(
      await customer.POST('/v1/consultations/{id}/messages', {
        params: { path: { id: booked.id } },
        body: { text: 'Sore throat for three days' },
      }),
    );
    expect(await toDoctor).toMatchObject({
      consultationId: booked.id,
      text: 'Sore throat for three days',
    });
    const toPatient = next<{ text: string }>(patientSocket, 'consultation.message');
    ok(
      await doctor.POST('/v1/consultations/{id}/messages', {
        params: { path: { id: booked.id } },
        body: { text: 'I will prescribe a course' },
      }),
    );
    expect((await toPatient).text).toBe('I will prescribe a course');

    // Notes: drafted, signed, then locked.
    const draft = {
      subjective: 'Sore throat',
      objective: 'Red tonsils',
      assessment: 'Tonsillitis',
      plan: 'Antibiotic',
    };
    ok(await doctor.PUT('/v1/doctor/consultations/{id}/notes', { params: { path: { id: booked.id } }, body: draft }));
    ok(await doctor.POST('/v1/doctor/consultations/{id}/notes/sign', { params: { path: { id: booked.id } } }));
    const locked = await refusal(
      doctor.PUT('/v1/doctor/consultations/{id}/notes', { params: { path: { id: booked.id } }, body: draft }),
    );
    expect(locked.status).toBe(409);

    // The prescription: one pack now and one refill, signed.
    const rx = ok(
      await doctor.POST('/v1/doctor/consultations/{id}/prescriptions', {
        params: { path: { id: booked.id } },
        body: {
          lines: [
            {
              productId: ids.rx,
              dose: '1 tablet',
              frequency: 'every 12 hours',
              durationDays: 7,
              quantity: 1,
              refills: 1,
            },
          ],
        },
      }),
    );
    expect(rx).toMatchObject({ patientId: ids.customer, doctorId: ids.doctor, state: 'valid' });
    expect(rx.lines[0]).toMatchObject({ remaining: 2, refillsLeft: 1, dispensed: 0 });

    // Anyone holding the code verifies it; no patient identity comes back.
    const verified = ok(
      await g.newClient().GET('/v1/prescriptions/verify/{code}', { params: { path: { code: rx.code } } }),
    );
    expect(verified).toMatchObject({ status: 'valid', signatureValid: true });
    expect(JSON.stringify(verified)).not.toContain(ids.customer);

    // Rx to cart, then an order that needs no photo.
    const filled = ok(
      await customer.POST('/v1/prescriptions/{id}/cart', {
        params: { path: { id: rx.id } },
        body: { branchId: ids.branch },
      }),
    );
    expect(filled.filled).toMatchObject([{ productId: ids.rx, quantity: 1, substituted: false }]);
    const order = ok(
      await customer.POST('/v1/orders', {
        body: { branchId: ids.branch, fulfilment: 'pickup', paymentMethod: 'wallet' },
        headers: key(),
      }),
    );
    expect(order.totalMinor).toBe(3000);

    // The branch's pharmacist sees the e-prescription linked, approves the line and completes the pickup.
    const seen = ok(await pharmacist.GET('/v1/admin/orders/{id}', { params: { path: { id: order.id } } }));
    expect(seen.ePrescriptions.map((p) => p.id)).toEqual([rx.id]);
    if (seen.status === 'pending_verification')
      ok(
        await pharmacist.POST('/v1/admin/orders/{id}/verify', {
          params: { path: { id: order.id } },
          body: { lines: seen.lines.filter((l) => l.rxRequired).map((l) => ({ lineNo: l.lineNo, approved: true })) },
          headers: key(),
        }),
      );
    for (const to of ['preparing', 'ready', 'completed'] as const)
      ok(
        await pharmacist.POST('/v1/admin/orders/{id}/transition', {
          params: { path: { id: order.id } },
          body: { to },
          headers: key(),
        }),
      );

    // Dispensed on completion: one fill less left.
    const after = ok(await customer.GET('/v1/prescriptions/{id}', { params: { path: { id: rx.id } } }));
    expect(after.lines[0]).toMatchObject({ dispensed: 1, remaining: 1, refillsLeft: 0 });

    // The doctor completes the consultation and the patient rates it once.
    ok(await doctor.POST('/v1/doctor/consultations/{id}/complete', { params: { path: { id: booked.id } } }));
    ok(
      await customer.POST('/v1/consultations/{id}/rating', {
        params: { path: { id: booked.id } },
        body: { stars: 5, comment: 'Clear and quick' },
      }),
    );
    const again = await refusal(
      customer.POST('/v1/consultations/{id}/rating', { params: { path: { id: booked.id } }, body: { stars: 1 } }),
    );
    expect(again.status).toBe(409);
  });
});
