import { randomUUID } from 'node:crypto';
import { PASSWORD } from '../../factories/user.factory.js';
import { buildOffer, createOffer, uniqueCoupon } from '../../factories/offers.factory.js';
import { createProduct, uniqueGtin } from '../../factories/catalog.factory.js';
import { buildBranch } from '../../factories/inventory.factory.js';
import { placeOrder, placeOrderFor, stockAdmin } from '../../factories/orders.factory.js';
import { uploadPrescription } from '../../security/resources.js';
import { insertPendingIntent, placePendingCardOrder } from '../../factories/payments.factory.js';
import { paidWebhook } from './gateway.js';
import { createApprovedDoctor } from '../../factories/providers.factory.js';
import { bookAppointment, createBookableDoctor } from '../../factories/appointments.factory.js';
import { startedConsultation } from '../../factories/consultations.factory.js';
import { fuzzConsultation } from './consultations-world.js';
import { PRESCRIPTION_HINTS } from './prescriptions-world.js';
import { NOTIFICATION_HINTS } from './notifications-world.js';
import { JOBS_HINTS } from './jobs-world.js';
import { SUPPORT_HINTS } from './support-world.js';
import { PLANS_HINTS } from './plans-world.js';
import { insertProduct } from '../../factories/offers.factory.js';
import { receive } from '../../factories/inventory.factory.js';
import { catalogOf, expiresNextYear, freshLot, importForm } from './catalog-world.js';
import { filePart, PNG } from '../../support/multipart.js';
import { bodySlots, deref, validValue, type OpenApiDoc, type Op, type Slot } from './openapi.js';
import type { FuzzRequest } from './request.js';
import type { Session, World } from './world.js';

type Values = Record<string, unknown>;
type Maybe<T> = T | Promise<T>;

/**
 * What the schemas cannot say: which existing object a valid request names, which secret (a code, a
 * refresh token, a signature) makes it succeed, and which routes need their own caller because they end
 * its sessions or change its password. Everything else comes from the document.
 */
interface Hint {
  /** A new admin per request: the route ends the caller's sessions or changes its password. */
  freshCaller?: boolean;
  /** Another caller than the admin: a doctor's own routes are called by the world's doctor. */
  caller?: (w: World) => Session;
  params?: (w: World) => Maybe<Values>;
  query?: (w: World) => Maybe<[string, unknown][]>;
  /** Headers a valid request needs (a fresh Idempotency-Key where the route requires one). */
  headers?: (w: World) => Maybe<Record<string, string>>;
  body?: (w: World, caller: Session | undefined) => Maybe<Values>;
  /** The route serves only the caller's own objects: another customer's id must never answer 2xx. */
  owned?: boolean;
  /** Bodies other than JSON are built by hand; an unknown content type with no builder fails the run. */
  form?: (w: World) => Maybe<FuzzRequest['body']>;
  /** A JSON body sent as these exact bytes with these headers (a webhook whose signature covers them). */
  raw?: (w: World) => Maybe<{ payload: string; headers: Record<string, string> }>;
}

export const HINTS: Record<string, Hint> = {
  'POST /v1/auth/login': { body: (w) => ({ identifier: w.loginUser.input.email, password: PASSWORD }) },
  'POST /v1/auth/refresh': { body: async (w) => ({ refreshToken: (await w.register()).refreshToken }) },
  'POST /v1/auth/logout': { freshCaller: true, body: (_w, caller) => ({ refreshToken: caller!.refreshToken }) },
  'POST /v1/auth/logout-all': { freshCaller: true },
  'POST /v1/me/password': { freshCaller: true },
  // Changing email or phone (generated) needs the caller's password.
  'PATCH /v1/me': { body: () => ({ currentPassword: PASSWORD }) },
  'POST /v1/auth/otp/verify': {
    body: async (w) => {
      const user = await w.register();
      const res = await w.t.http.post('/v1/auth/otp/request', { phone: user.input.phone });
      if (res.status !== 202) throw new Error(`otp request failed: ${res.status}`);
      return { phone: user.input.phone, code: w.codeSentTo(user.input.phone) };
    },
  },
  'POST /v1/auth/email/verify': {
    body: async (w) => {
      const user = await w.register();
      const res = await w.t.http.post('/v1/auth/email/request', { email: user.input.email });
      if (res.status !== 202) throw new Error(`email code request failed: ${res.status}`);
      return { email: user.input.email, code: w.codeSentTo(user.input.email) };
    },
  },
  'POST /v1/auth/password/forgot': { body: (w) => ({ identifier: w.resetUser.input.email }) },
  // A fresh verified account per request: one account's daily code budget would run out within a run.
  'POST /v1/auth/password/reset': {
    body: async (w) => {
      const email = (await w.registerVerified()).input.email;
      const res = await w.t.http.post('/v1/auth/password/forgot', { identifier: email });
      if (res.status !== 202) throw new Error(`forgot failed: ${res.status}`);
      return { identifier: email, code: w.codeSentTo(email), newPassword: PASSWORD };
    },
  },
  'GET /v1/admin/users/{id}': { params: (w) => ({ id: w.customer.user.id }) },
  'POST /v1/admin/users/{id}/roles': { params: (w) => ({ id: w.staff.user.id }) },
  'DELETE /v1/admin/users/{id}/roles/{role}': { params: (w) => ({ id: w.staff.user.id }) },
  // The world's doctor has a profile (approval needs one); approving an approved doctor changes nothing.
  'POST /v1/admin/doctors/{id}/approve': { params: async (w) => ({ id: (await approvedDoctorOf(w)).doctorId }) },
  // Unique names each time (English names are unique); PATCH retires or renames a specialty of its own, never
  // the one the world's doctor holds.
  'POST /v1/admin/specialties': {
    body: () => {
      const { active: _active, ...create } = fuzzSpecialty();
      return create;
    },
  },
  'PATCH /v1/admin/specialties/{id}': {
    params: async (w) => ({ id: await newSpecialty(w) }),
    body: () => fuzzSpecialty(),
  },
  'GET /v1/doctors': { query: () => [] },
  // A listed doctor whose profile the fuzzer never saves (the world's doctor's PUTs may change its licence, which
  // takes its approval back until the next approval).
  'GET /v1/doctors/{id}': { params: async (w) => ({ id: await slotDoctorOf(w) }) },
  // A doctor's own profile: the world's doctor calls it (other account types 409 providers/not-a-doctor).
  'GET /v1/doctor/profile': { caller: (w) => w.doctor },
  'PUT /v1/doctor/profile': {
    caller: (w) => w.doctor,
    body: async (w) => fuzzProfile((await approvedDoctorOf(w)).specialtyId),
  },
  'POST /v1/admin/users/{id}/suspend': { params: (w) => ({ id: w.victim.user.id }) },
  'POST /v1/admin/users/{id}/reactivate': { params: (w) => ({ id: w.victim.user.id }) },
  'POST /v1/files': {
    form: () => ({ kind: 'form', parts: [{ name: 'purpose', value: 'prescription' }, filePart(PNG)] }),
  },
  'GET /v1/files/{id}': { owned: true, params: (w) => ({ id: w.adminFile.id }) },
  'GET /v1/files/{id}/content': {
    owned: true,
    params: (w) => ({ id: w.adminFile.id }),
    query: async (w) => [...(await w.signedLink()).searchParams.entries()],
  },
  'POST /v1/admin/offers': { body: () => buildOffer() },
  'PATCH /v1/admin/offers/{id}': {
    params: async (w) => ({ id: await offerOf(w) }),
    // Every field is generated: make the whole set consistent (a cart offer names no product or category).
    body: () => ({ ...buildOffer(), productId: null, categoryId: null, couponCode: null, globalLimit: null }),
  },
  'GET /v1/admin/offers/{id}': { params: async (w) => ({ id: await offerOf(w) }) },
  'GET /v1/products/{id}': { params: async (w) => ({ id: (await catalogOf(w)).productId }) },
  'GET /v1/products/{id}/substitutes': { params: async (w) => ({ id: (await catalogOf(w)).productId }) },
  'PATCH /v1/admin/categories/{id}': {
    params: async (w) => ({ id: (await catalogOf(w)).categoryId }),
    body: () => ({ parentId: null }),
  },
  'POST /v1/admin/products': {
    body: async (w) => ({
      barcode: uniqueGtin(),
      categoryId: (await catalogOf(w)).categoryId,
      controlled: false,
      images: [],
    }),
  },
  'PATCH /v1/admin/products/{id}': {
    params: async (w) => ({ id: (await catalogOf(w)).productId }),
    // Generated fields would collide (barcode) or race (version): keep the rest, make those consistent.
    body: async (w) => ({
      barcode: undefined,
      version: undefined,
      categoryId: (await catalogOf(w)).categoryId,
      controlled: false,
      images: [],
      active: true,
    }),
  },
  // Its own product each time: the shared one must stay active for the routes that read it.
  'DELETE /v1/admin/products/{id}': {
    params: async (w) => ({ id: (await createProduct(w.t, w.admin.accessToken, (await catalogOf(w)).categoryId)).id }),
  },
  'POST /v1/admin/products/import': { form: importForm },
  'GET /v1/branches/{id}': { params: async (w) => ({ id: (await catalogOf(w)).branchId }) },
  'POST /v1/admin/branches': { body: () => ({ ...buildBranch() }) },
  'PATCH /v1/admin/branches/{id}': {
    params: async (w) => ({ id: (await catalogOf(w)).otherBranchId }),
    body: () => ({ ...buildBranch(), active: true }),
  },
  'POST /v1/admin/branches/{id}/stock/receive': {
    params: async (w) => ({ id: (await catalogOf(w)).branchId }),
    body: async (w) => ({
      productId: (await catalogOf(w)).productId,
      lotNumber: freshLot(),
      expiresOn: expiresNextYear(),
      quantity: 5,
    }),
  },
  'POST /v1/admin/branches/{id}/stock/adjust': {
    params: async (w) => ({ id: (await catalogOf(w)).branchId }),
    body: async (w) => {
      const f = await catalogOf(w);
      return { productId: f.productId, lotNumber: f.lotNumber, delta: 1, countedOnHand: undefined, reason: 'recount' };
    },
  },
  'POST /v1/admin/branches/{id}/stock/transfer': {
    params: async (w) => ({ id: (await catalogOf(w)).branchId }),
    body: async (w) => {
      const f = await catalogOf(w);
      return { toBranchId: f.otherBranchId, productId: f.productId, lotNumber: f.lotNumber, quantity: 1 };
    },
  },
  'POST /v1/admin/branches/{id}/stock/write-off': {
    params: async (w) => ({ id: (await catalogOf(w)).branchId }),
    body: async (w) => ({ productId: (await catalogOf(w)).productId }),
  },
  'GET /v1/admin/branches/{id}/stock': { params: async (w) => ({ id: (await catalogOf(w)).branchId }) },
  'GET /v1/admin/branches/{id}/stock/expiring': { params: async (w) => ({ id: (await catalogOf(w)).branchId }) },
  // A credit (a debit could find the wallet empty); a fresh key each time, or every request would replay the first.
  'POST /v1/admin/wallets/{id}/adjustments': {
    params: (w) => ({ id: w.customer.user.id }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: () => ({ amountMinor: 100, reason: 'fuzz correction' }),
  },
  // The caller's own cart (the admin's in the fuzz world): the shared product, priced at the shared branch.
  'GET /v1/cart': {
    query: async (w) => [
      ['branchId', (await catalogOf(w)).branchId],
      ['fulfilment', 'delivery'],
      ['lat', '30.05'],
      ['lng', '31.24'],
    ],
  },
  'PUT /v1/cart/items/{productId}': {
    params: async (w) => ({ productId: (await catalogOf(w)).productId }),
    body: () => ({ quantity: 2 }),
  },
  // In the cart first, or removing it answers 404.
  'DELETE /v1/cart/items/{productId}': {
    params: async (w) => {
      const { productId } = await catalogOf(w);
      const res = await w.t.http.request('PUT', `/v1/cart/items/${productId}`, {
        token: w.admin.accessToken,
        body: { quantity: 1 },
      });
      if (res.status !== 200) throw new Error(`cart put failed: ${res.status}`);
      return { productId };
    },
  },
  'POST /v1/cart/coupon': { body: async (w) => ({ code: await couponOf(w) }) },
  // The admin's cart, whatever earlier requests left in it (an Rx product, say), replaced by one stocked line.
  'POST /v1/orders': {
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: async (w) => {
      const { branchId } = await orderReady(w);
      // Generated address, points and prescriptions left out: a pickup takes no address, the caller holds no
      // points, and an OTC cart needs no prescription.
      return {
        branchId,
        fulfilment: 'pickup',
        paymentMethod: 'cod',
        address: undefined,
        pointsToRedeem: undefined,
        prescriptionIds: undefined,
      };
    },
  },
  'GET /v1/orders/{id}': { owned: true, params: async (w) => ({ id: await placeOrder(w.t, w.admin.accessToken) }) },
  // Card payments: the fuzz app runs a fake Stripe (support/gateway.ts).
  'POST /v1/wallet/top-up': {
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: () => ({ amountMinor: 5000 }),
  },
  'GET /v1/payments/intents/{id}': {
    owned: true,
    params: async (w) => ({ id: await insertPendingIntent(w.t, w.admin.user.id) }),
  },
  'POST /v1/payments/intents/{id}/checkout': {
    owned: true,
    params: async (w) => ({ id: await insertPendingIntent(w.t, w.admin.user.id) }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
  },
  'POST /v1/payments/webhooks/stripe': { raw: paidWebhook },
  'POST /v1/orders/{id}/payment': {
    owned: true,
    params: async (w) => ({ id: await placePendingCardOrder(w.t, w.admin.accessToken) }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
  },
  'GET /v1/admin/orders': { query: () => [] },
  // A fresh confirmed order each time: a cancelled one cannot be cancelled again.
  'POST /v1/orders/{id}/cancel': {
    owned: true,
    params: async (w) => ({ id: await placeOrder(w.t, w.admin.accessToken) }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: () => ({ reason: 'fuzz cancellation' }),
  },
  'POST /v1/prescriptions/uploads': {
    form: () => ({ kind: 'form', parts: [filePart(PNG), { name: 'note', value: 'fuzz prescription' }] }),
  },
  'GET /v1/prescriptions/uploads/{id}': {
    owned: true,
    params: async (w) => ({ id: await uploadPrescription(w.t, w.admin.accessToken) }),
  },
  'GET /v1/orders/{id}/refunds': {
    owned: true,
    params: async (w) => ({ id: await placeOrder(w.t, w.admin.accessToken) }),
  },
  'GET /v1/admin/orders/{id}': { params: async (w) => ({ id: (await placeOrderFor(w.t, 'pending_verification')).id }) },
  // Staff never decide or refund their own orders: a new customer's order each time.
  'POST /v1/admin/orders/{id}/verify': {
    params: async (w) => ({ id: (await placeOrderFor(w.t, 'pending_verification')).id }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: () => ({ lines: [{ lineNo: 1, approved: true, prescriptionId: undefined }] }),
  },
  'POST /v1/admin/orders/{id}/refunds': {
    params: async (w) => ({ id: (await placeOrderFor(w.t, 'completed')).id }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: () => ({ amountMinor: 100, lines: undefined, reason: 'fuzz refund', to: 'wallet' }),
  },
  'POST /v1/admin/orders/{id}/transition': {
    params: async (w) => ({ id: await placeOrder(w.t, w.admin.accessToken) }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: () => ({ to: 'preparing', reason: 'fuzz step' }),
  },
  // A doctor's own schedule and time off: the world's doctor calls them (staff have no schedule: 404).
  'PUT /v1/doctor/availability': { caller: (w) => w.doctor, body: () => fuzzSchedule() },
  'GET /v1/doctor/availability': {
    caller: (w) => w.doctor,
    query: async (w) => {
      await scheduleOf(w);
      return [];
    },
  },
  'POST /v1/doctor/time-off': { caller: (w) => w.doctor, body: () => fuzzTimeOff() },
  'GET /v1/doctor/time-off': { caller: (w) => w.doctor, query: () => [] },
  'GET /v1/doctor/time-off/{id}': {
    caller: (w) => w.doctor,
    owned: true,
    params: async (w) => ({ id: await timeOffOf(w) }),
  },
  // Its own time off each time: a deleted one is gone.
  'DELETE /v1/doctor/time-off/{id}': {
    caller: (w) => w.doctor,
    owned: true,
    params: async (w) => ({ id: await timeOffOf(w) }),
  },
  // An approved doctor's (providers gate the search), schedule set.
  'GET /v1/doctors/{id}/slots': { params: async (w) => ({ id: await slotDoctorOf(w) }), query: () => [] }, // A free slot of a new free-of-charge doctor each time (a booked slot is taken; the admin's wallet is empty).
  'POST /v1/appointments': {
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: async (w) => {
      const doctor = await createBookableDoctor(w.t);
      const from = new Date(Date.now() + 2 * 86_400_000).toISOString();
      const slots = await w.t.http.get(`/v1/doctors/${doctor.user.id}/slots?from=${from}`);
      return { doctorId: doctor.user.id, startsAt: slots.body.items[0].startsAt as string, type: 'video' };
    },
  },
  'GET /v1/appointments': { query: () => [] },
  'GET /v1/appointments/{id}': {
    owned: true,
    params: async (w) => ({ id: (await bookAppointment(w.t, w.admin.accessToken)).id }),
  },
  // A fresh booking each time: a cancelled one cannot be cancelled again.
  'POST /v1/appointments/{id}/cancel': {
    owned: true,
    params: async (w) => ({ id: (await bookAppointment(w.t, w.admin.accessToken)).id }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: () => ({ reason: 'fuzz cancellation' }),
  },
  'GET /v1/doctor/appointments': { caller: (w) => w.doctor, query: () => [] },
  // A fresh booking of the world's moving doctor, moved to one of its free slots five or more days ahead.
  'POST /v1/appointments/{id}/reschedule': {
    owned: true,
    params: async (w) => ({ id: (await bookAppointment(w.t, w.admin.accessToken, await movingDoctorOf(w))).id }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: async (w) => {
      const from = new Date(Date.now() + 5 * 86_400_000).toISOString();
      const slots = await w.t.http.get(`/v1/doctors/${await movingDoctorOf(w)}/slots?from=${from}`);
      return { startsAt: slots.body.items[0].startsAt as string };
    },
  },
  // Consultations: the admin as the patient of one in progress (starting in minutes: video open), or the
  // world's doctor as its doctor, each request its own consultation in the state the route needs.
  'GET /v1/consultations/{id}': {
    owned: true,
    params: async (w) => ({ id: await fuzzConsultation(w, 'patient', 'in_progress') }),
  },
  'GET /v1/consultations/{id}/video': {
    owned: true,
    params: async (w) => ({ id: await fuzzConsultation(w, 'patient', 'in_progress') }),
  },
  'GET /v1/consultations/{id}/messages': {
    owned: true,
    params: async (w) => ({ id: await fuzzConsultation(w, 'patient', 'in_progress') }),
    query: () => [],
  },
  'POST /v1/consultations/{id}/messages': {
    owned: true,
    params: async (w) => ({ id: await fuzzConsultation(w, 'patient', 'in_progress') }),
    body: (w) => ({ text: 'fuzz message', fileIds: [w.adminFile.id] }),
  },
  'GET /v1/consultations/{id}/notes': {
    owned: true,
    params: async (w) => ({ id: await fuzzConsultation(w, 'patient', 'in_progress') }),
  },
  'POST /v1/consultations/{id}/rating': {
    owned: true,
    // A real doctor (the rating lands on their profile), the consultation completed through the routes.
    params: async (w) => {
      const c = await startedConsultation(w.t, w.admin.accessToken);
      await w.t.http.post(`/v1/doctor/consultations/${c.id}/complete`, undefined, c.doctor.accessToken);
      return { id: c.id };
    },
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
    body: () => ({ stars: 4 }),
  },
  'POST /v1/appointments/{id}/check-in': {
    owned: true,
    params: async (w) => ({ id: await fuzzConsultation(w, 'patient', 'booked') }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
  },
  'POST /v1/doctor/consultations/{id}/start': {
    caller: (w) => w.doctor,
    params: async (w) => ({ id: await fuzzConsultation(w, 'doctor', 'checked_in') }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
  },
  'POST /v1/doctor/consultations/{id}/complete': {
    caller: (w) => w.doctor,
    params: async (w) => ({ id: await fuzzConsultation(w, 'doctor', 'in_progress') }),
    headers: () => ({ 'idempotency-key': `fuzz-${randomUUID()}` }),
  },
  'PUT /v1/doctor/consultations/{id}/notes': {
    caller: (w) => w.doctor,
    params: async (w) => ({ id: await fuzzConsultation(w, 'doctor', 'in_progress') }),
  },
  'POST /v1/doctor/consultations/{id}/notes/sign': {
    caller: (w) => w.doctor,
    params: async (w) => ({ id: await draftedNote(w, false) }),
  },
  'POST /v1/doctor/consultations/{id}/notes/addenda': {
    caller: (w) => w.doctor,
    params: async (w) => ({ id: await draftedNote(w, true) }),
  },
  ...PRESCRIPTION_HINTS,
  ...NOTIFICATION_HINTS,
  ...JOBS_HINTS,
  ...SUPPORT_HINTS,
  ...PLANS_HINTS,
};

/** A consultation of the world's doctor in progress with a draft note (signed when `signed`). */
async function draftedNote(w: World, signed: boolean): Promise<string> {
  const id = await fuzzConsultation(w, 'doctor', 'in_progress');
  const token = w.doctor.accessToken;
  const put = await w.t.http.request('PUT', `/v1/doctor/consultations/${id}/notes`, { token, body: { plan: 'Rest' } });
  if (put.status !== 200) throw new Error(`note draft failed: ${put.status}`);
  if (signed && (await w.t.http.post(`/v1/doctor/consultations/${id}/notes/sign`, undefined, token)).status !== 200)
    throw new Error('note sign failed');
  return id;
}

/** A valid schedule: every generated field is replaced (generated intervals would overlap or run backwards). */
const fuzzSchedule = () => ({
  timeZone: 'Africa/Cairo',
  slotMinutes: 30,
  bufferMinutes: 5,
  minNoticeMinutes: 60,
  maxDaysAhead: 30,
  weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '09:00', end: '13:00' })),
  overrides: [],
});
const fuzzTimeOff = () => ({ startsAt: '2031-05-01T08:00:00Z', endsAt: '2031-05-02T08:00:00Z', reason: 'fuzz' });

/** The world's doctor has a schedule (once per world), so its reads succeed. */
const schedules = new WeakMap<World, Promise<void>>();
function scheduleOf(w: World): Promise<void> {
  if (!schedules.has(w)) schedules.set(w, putSchedule(w, w.doctor.accessToken));
  return schedules.get(w)!;
}

async function putSchedule(w: World, token: string): Promise<void> {
  const res = await w.t.http.request('PUT', '/v1/doctor/availability', { token, body: fuzzSchedule() });
  if (res.status !== 200) throw new Error(`availability put failed: ${res.status}`);
}

/** One approved doctor with a schedule per world, whose slots are searched (the world's doctor stays pending). */
const slotDoctors = new WeakMap<World, Promise<string>>();
function slotDoctorOf(w: World): Promise<string> {
  if (!slotDoctors.has(w))
    slotDoctors.set(
      w,
      createApprovedDoctor(w.t, w.admin.accessToken).then(async (doctor) => {
        await putSchedule(w, doctor.accessToken);
        return doctor.user.id;
      }),
    );
  return slotDoctors.get(w)!;
}

/** One free-of-charge doctor per world whose bookings the reschedule route moves. */
const movingDoctors = new WeakMap<World, Promise<string>>();
function movingDoctorOf(w: World): Promise<string> {
  if (!movingDoctors.has(w))
    movingDoctors.set(
      w,
      createBookableDoctor(w.t).then((d) => d.user.id),
    );
  return movingDoctors.get(w)!;
}

async function timeOffOf(w: World): Promise<string> {
  const res = await w.t.http.post('/v1/doctor/time-off', fuzzTimeOff(), w.doctor.accessToken);
  if (res.status !== 201) throw new Error(`time off failed: ${res.status}`);
  return res.body.id as string;
}

/** The admin's cart holding one line of a product stocked at the orders factory's branch. */
async function orderReady(w: World): Promise<{ branchId: string }> {
  const { admin, branchId } = await stockAdmin(w.t);
  const product = await insertProduct(w.t, { priceMinor: 900 });
  await receive(w.t, admin, branchId, { productId: product.id, quantity: 3 });
  await w.t.http.request('DELETE', '/v1/cart', { token: w.admin.accessToken });
  const res = await w.t.http.request('PUT', `/v1/cart/items/${product.id}`, {
    token: w.admin.accessToken,
    body: { quantity: 1 },
  });
  if (res.status !== 200) throw new Error(`cart put failed: ${res.status}`);
  return { branchId };
}

/** One coupon offer per fuzz world (a running cart offer that needs its code), for the cart's coupon route. */
const coupons = new WeakMap<World, Promise<string>>();
function couponOf(w: World): Promise<string> {
  if (!coupons.has(w))
    coupons.set(
      w,
      createOffer(w.t, w.admin.accessToken, { couponCode: uniqueCoupon('Fuzz') }).then((o) => o.couponCode!),
    );
  return coupons.get(w)!;
}

/** One offer per fuzz world, made through the admin API, for the offer routes that take an id. */
const offers = new WeakMap<World, Promise<string>>();
function offerOf(w: World): Promise<string> {
  if (!offers.has(w))
    offers.set(
      w,
      createOffer(w.t, w.admin.accessToken).then((o) => o.id),
    );
  return offers.get(w)!;
}

/** The body kind an operation takes, or an error naming what the fuzzer cannot build yet. */
export function bodyKind(op: Op): 'json' | 'form' | 'none' {
  const types = Object.keys(op.op.requestBody?.content ?? {});
  if (types.length === 0) return 'none';
  if (types.includes('application/json')) return 'json';
  if (types.includes('multipart/form-data') && HINTS[op.key]?.form) return 'form';
  throw new Error(`${op.key}: no request builder for ${types.join(', ')}; add one in test/fuzz/support/hints.ts`);
}

/** Every place a mutation can reach: path and query parameters, body fields or form parts. */
export function slotsOf(op: Op, doc: OpenApiDoc): Slot[] {
  const slots: Slot[] = (op.op.parameters ?? [])
    .filter((p) => p.in === 'path' || p.in === 'query')
    .map((p) => ({
      in: p.in as 'path' | 'query',
      name: p.name,
      required: p.in === 'path' || !!p.required,
      format: deref(p.schema, doc).format as string | undefined,
    }));
  const kind = bodyKind(op);
  if (kind === 'json') {
    const schema = deref(op.op.requestBody!.content['application/json'].schema, doc);
    slots.push({ in: 'body', name: '', required: true }, ...bodySlots(schema));
  }
  if (kind === 'form') {
    const schema = deref(op.op.requestBody!.content['multipart/form-data'].schema, doc);
    const required = new Set<string>(schema.required ?? []);
    for (const [name, s] of Object.entries<Record<string, unknown>>(schema.properties ?? {})) {
      slots.push({ in: 'form', name, required: required.has(name) });
      if (s.format === 'binary')
        slots.push(
          { in: 'form', name: `${name}.filename`, required: false },
          { in: 'form', name: `${name}.contentType`, required: false },
        );
    }
  }
  return slots;
}

/**
 * A request the server must accept: generated from the operation's schemas (required query parameters,
 * every body property), then completed by its hint. Built afresh for every run.
 */
export async function buildValid(op: Op, doc: OpenApiDoc, w: World): Promise<FuzzRequest> {
  const hint = HINTS[op.key] ?? {};
  const caller =
    op.auth === 'public' ? undefined : hint.freshCaller ? await w.freshAdmin() : (hint.caller?.(w) ?? w.admin);
  const req: FuzzRequest = {
    method: op.method,
    path: op.path,
    params: {},
    query: [],
    headers: {},
    token: caller?.accessToken,
    body: { kind: 'none' },
  };
  for (const p of op.op.parameters ?? []) {
    const where = `${op.key} ${p.in} ${p.name}`;
    if (p.in === 'path') req.params[p.name] = validValue(deref(p.schema, doc), where, p.name);
    else if (p.in === 'query' && p.required) req.query.push([p.name, validValue(deref(p.schema, doc), where, p.name)]);
    else if (p.required) throw new Error(`${where}: required ${p.in} parameters are not generated yet`);
  }
  Object.assign(req.params, await hint.params?.(w));
  if (hint.query) req.query = await hint.query(w);
  Object.assign(req.headers, await hint.headers?.(w));
  const kind = bodyKind(op);
  if (kind === 'json') {
    const schema = deref(op.op.requestBody!.content['application/json'].schema, doc);
    const generated = validValue(schema, `${op.key} body`) as Values;
    req.body = { kind: 'json', value: { ...generated, ...(await hint.body?.(w, caller)) } };
  } else if (kind === 'form') {
    req.body = await hint.form!(w);
  } else if (hint.raw) {
    const raw = await hint.raw(w);
    req.body = { kind: 'raw', payload: raw.payload };
    Object.assign(req.headers, raw.headers);
  }
  return req;
}

const fuzzSpecialty = () => {
  const stem = randomUUID().slice(0, 8);
  return { nameEn: `Fuzz specialty ${stem}`, nameAr: `تخصص ${stem}`, icon: 'stethoscope', active: true };
};
async function newSpecialty(w: World): Promise<string> {
  const { active: _active, ...body } = fuzzSpecialty();
  const res = await w.t.http.post('/v1/admin/specialties', body, w.admin.accessToken);
  if (res.status !== 201) throw new Error(`specialty failed: ${res.status}`);
  return res.body.specialty.id as string;
}
/** A valid profile: generated languages, dates and specialty ids would not name real ones. */
const fuzzProfile = (specialtyId: string) => ({
  specialtyIds: [specialtyId],
  licenseNumber: 'FUZZ-LICENCE-1',
  licenseExpiresOn: '2099-12-31',
  languages: ['ar', 'en'],
  bioEn: 'Fuzz doctor',
  bioAr: 'طبيب',
  videoFeeMinor: 20000,
  clinicFeeMinor: 30000,
  clinicBranchId: null,
});

/** The world's doctor with a profile and approved (once per world): listed, bookable, with slots. */
const approvedDoctors = new WeakMap<World, Promise<{ doctorId: string; specialtyId: string }>>();
function approvedDoctorOf(w: World): Promise<{ doctorId: string; specialtyId: string }> {
  if (!approvedDoctors.has(w))
    approvedDoctors.set(
      w,
      (async () => {
        const specialtyId = await newSpecialty(w);
        const put = await w.t.http.request('PUT', '/v1/doctor/profile', {
          token: w.doctor.accessToken,
          body: fuzzProfile(specialtyId),
        });
        if (put.status !== 200) throw new Error(`doctor profile failed: ${put.status}`);
        const doctorId = w.doctor.user.id;
        const res = await w.t.http.post(`/v1/admin/doctors/${doctorId}/approve`, undefined, w.admin.accessToken);
        if (res.status !== 200) throw new Error(`doctor approval failed: ${res.status}`);
        return { doctorId, specialtyId };
      })(),
    );
  return approvedDoctors.get(w)!;
}
