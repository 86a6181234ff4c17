import { sql } from 'drizzle-orm';
import type { TestApp } from '../setup/app.js';
import { OutboxService } from '../../src/kernel/events/index.js';
import { filePart, multipartBody, PNG } from '../support/multipart.js';
import { creditWallet, insertPendingIntent, placePendingCardOrder } from '../factories/payments.factory.js';
import { insertProduct } from '../factories/offers.factory.js';
import { placeOrder } from '../factories/orders.factory.js';
import { earnPoints } from '../factories/loyalty.factory.js';
import { registerUser } from '../factories/user.factory.js';
import { bookAppointment, createBookableDoctor } from '../factories/appointments.factory.js';
import { issuePrescription } from '../factories/prescriptions.factory.js';
import { bookConsultation, startedConsultation } from '../factories/consultations.factory.js';
import { openTicket, resolvedTicket, staffStep, supportAgent } from '../factories/support.factory.js';
import { subscribeToFreePlan } from '../factories/plans.factory.js';

/** How the object-level matrix makes an object owned by `ownerToken` and proves it unchanged. */
export interface OwnedResource {
  create(t: TestApp, ownerToken: string): Promise<Record<string, string>>;
  snapshot(t: TestApp, params: Record<string, string>): Promise<unknown>;
  /** Whose object it is: a customer's (default), or a doctor's (the owner and the intruder are doctors). */
  owner?: 'doctor';
}
export interface Exempt {
  exempt: string;
}

export async function uploadFile(t: TestApp, token: string): Promise<string> {
  const { payload, contentType } = multipartBody([filePart(PNG, 'a.png')]);
  const res = await t.http.request('POST', '/v1/files', {
    raw: payload,
    token,
    headers: { 'content-type': contentType },
  });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status}`);
  return res.body.id as string;
}

const files: OwnedResource = {
  create: async (t, token) => ({ id: await uploadFile(t, token) }),
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select owner_id, storage_key, size_bytes from files where id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

const orders: OwnedResource = {
  create: async (t, token) => ({ id: await placeOrder(t, token) }),
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select o.status, o.version, o.total_minor, (select count(*) from order_transitions x where x.order_id = o.id) as steps
            from orders o where o.id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

/**
 * For a route by which the owner changes their order (cancel): the matrix calls it as the owner first, so the
 * proof is that no one else left a step or a money movement on the order (rows whose actor is not the owner).
 */
const ordersNotMovedByOthers: OwnedResource = {
  create: orders.create,
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select (select count(*) from order_transitions x where x.order_id = o.id and x.actor_id is distinct from o.customer_id) as steps,
                   (select count(*) from journal_entries e where e.ref_id = o.id and e.created_by is distinct from o.customer_id) as entries
            from orders o where o.id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

export async function uploadPrescription(t: TestApp, token: string): Promise<string> {
  const { payload, contentType } = multipartBody([filePart(PNG, 'rx.png')]);
  const res = await t.http.request('POST', '/v1/prescriptions/uploads', {
    raw: payload,
    token,
    headers: { 'content-type': contentType },
  });
  if (res.status !== 201) throw new Error(`prescription upload failed: ${res.status}`);
  return res.body.id as string;
}

const prescriptionUploads: OwnedResource = {
  create: async (t, token) => ({ id: await uploadPrescription(t, token) }),
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select customer_id, file_id, note, (select count(*) from order_prescriptions x where x.upload_id = u.id) as used
            from prescription_uploads u where u.id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

/** A card payment (a pending top-up) of the owner's; its checkout page is answered again to the owner only. */
const paymentIntents: OwnedResource = {
  create: async (t, token) => ({
    id: await insertPendingIntent(t, (await t.http.get('/v1/me', token)).body.user.id as string),
  }),
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select status, gateway_ref, redirect_url, updated_at, paid_at from payment_intents where id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

/** A doctor's time off (GET /v1/doctor/time-off/:id): another doctor reads it 404, audited. */
const doctorTimeOff: OwnedResource = {
  owner: 'doctor',
  create: async (t, token) => {
    const res = await t.http.post(
      '/v1/doctor/time-off',
      { startsAt: '2031-03-01T08:00:00Z', endsAt: '2031-03-01T12:00:00Z', reason: 'harness' },
      token,
    );
    if (res.status !== 201) throw new Error(`time off failed: ${res.status}`);
    return { id: res.body.id as string };
  },
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select doctor_id, starts_at, ends_at, reason from doctor_time_off where id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

const staffOnly = (why: string): Exempt => ({
  exempt: `staff-only route (${why}); customers get 403 in the function-level matrix`,
});

/**
 * A support ticket with an internal note on it: the proof is that nothing of it moved and no one but its
 * customer wrote in it (another customer's reads, replies and reopens answer 404).
 */
const ticketSnapshot = async (t: TestApp, id: string) =>
  (
    (await t.database.db.execute(
      sql`select s.status, s.resolved_at, s.assignee_id,
                 (select count(*) from support_ticket_messages m where m.ticket_id = s.id) as messages,
                 (select count(*) from support_ticket_transitions x where x.ticket_id = s.id and x.actor_id is distinct from s.customer_id) as others_steps
          from support_tickets s where s.id = ${id}`,
    )) as unknown as { rows: unknown[] }
  ).rows;
const tickets: OwnedResource = {
  create: async (t, token) => {
    const id = await openTicket(t, token);
    await staffStep(t, id, 'notes', { body: 'internal: customer is a VIP' });
    return { id };
  },
  snapshot: (t, { id }) => ticketSnapshot(t, id),
};
/** For the customer's reopen: the owner's call moves it, so the proof is that no one else left a step. */
const resolvedTickets: OwnedResource = {
  create: async (t, token) => ({ id: await resolvedTicket(t, token) }),
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select (select count(*) from support_ticket_transitions x where x.ticket_id = s.id and x.actor_id is distinct from s.customer_id) as others_steps,
                   (select count(*) from support_ticket_messages m where m.ticket_id = s.id and m.author_id is distinct from s.customer_id) as others_messages
            from support_tickets s where s.id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};
/**
 * A customer's subscription: the owner's cancel only sets cancelAtPeriodEnd, so the proof is that nothing else
 * of it moved and no one but the owner left an event on it (another customer's cancel answers 404).
 */
const subscriptions: OwnedResource = {
  create: async (t, token) => ({ id: await subscribeToFreePlan(t, token) }),
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select s.status, s.period_no, s.current_period_end, s.ended_at,
                   (select count(*) from outbox o where o.topic = 'subscription.updated' and o.payload->>'subscriptionId' = s.id::text
                      and o.payload->>'change' not in ('subscribed', 'cancel_requested')) as other_changes
            from subscriptions s where s.id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};
const SUPPORT_E2E =
  "support e2e ('shows a customer only their own tickets'): another customer's reply answers 404 like a missing id, audited, and writes nothing";

/**
 * Every operation with a path parameter must be registered here, either with a way to create its object
 * or with the reason it has no owner. A new `{id}` route without an entry fails the build.
 */
/** A patient's booking (health data): another patient never reads or moves it (another doctor: appointments e2e). */
const appointments: OwnedResource = {
  create: async (t, token) => ({ id: (await bookAppointment(t, token)).id }),
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select a.status, a.refunded_minor, (select count(*) from appointment_transitions x where x.appointment_id = a.id) as steps
            from appointments a where a.id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

/** Cancel: the owner's call moves it, so the proof is that no one else left a step or a money movement. */
const appointmentsNotMovedByOthers: OwnedResource = {
  create: appointments.create,
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select (select count(*) from appointment_transitions x where x.appointment_id = a.id and x.actor_id is distinct from a.patient_id) as steps,
                   (select count(*) from journal_entries e where e.ref_id = a.id and e.created_by is distinct from a.patient_id) as entries
            from appointments a where a.id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

/**
 * A consultation (its id is its appointment's id: health data): a video booking starting in minutes, so the
 * owner's reads (video join included) answer 200; another patient never reads, writes or moves it.
 */
const consultations: OwnedResource = {
  create: async (t, token) => ({ id: (await bookConsultation(t, token)).id }),
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select a.status, (select count(*) from appointment_transitions x where x.appointment_id = a.id) as steps,
                   (select count(*) from consultation_messages m where m.appointment_id = a.id) as messages,
                   (select count(*) from consultation_notes n where n.appointment_id = a.id) as notes
            from appointments a where a.id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

/** Check-in: the owner's call moves it, so the proof is that no one else left a step on it. */
const consultationsNotMovedByOthers: OwnedResource = {
  create: consultations.create,
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select (select count(*) from appointment_transitions x where x.appointment_id = a.id and x.actor_id is distinct from a.patient_id) as steps
            from appointments a where a.id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

const CONSULTATIONS_E2E =
  'consultations e2e ("only the two participants"): another patient, another doctor and a pharmacist of an unrelated branch get 404 like a missing id, audited, nothing written';

/**
 * A patient's e-prescription (health data): another customer never reads it or fills a cart from it (another
 * doctor and a pharmacist of an unrelated branch: e-prescriptions e2e, 404 and an audit row each).
 */
const ePrescriptions: OwnedResource = {
  create: async (t, token) => ({ id: (await issuePrescription(t, token)).id }),
  snapshot: async (t, { id }) =>
    (
      (await t.database.db.execute(
        sql`select p.status, p.signed_body, (select sum(l.dispensed) from prescription_lines l where l.prescription_id = p.id) as dispensed,
                   (select count(*) from cart_items c join prescription_lines l on l.id = c.rx_line_id
                     where l.prescription_id = p.id and c.customer_id <> p.patient_id) as foreign_carts
            from prescriptions p where p.id = ${id}`,
      )) as unknown as { rows: unknown[] }
    ).rows,
};

const E_PRESCRIPTIONS_E2E =
  'e-prescriptions e2e: another doctor gets 404 like a missing id (audited) and nothing changes; customers and staff lack practice:write (403, function-level matrix)';

export const OBJECT_ROUTES: Record<string, OwnedResource | Exempt> = {
  'GET /v1/files/{id}': files,
  'GET /v1/files/{id}/content': {
    exempt:
      'public by design: the HMAC signature of the link is the access check (files e2e: tampered or borrowed links get 403)',
  },
  'GET /v1/admin/users/{id}': staffOnly(
    'users:read; a branch manager reads only the staff of their branches (others 404): admin-integrity e2e',
  ),
  'POST /v1/admin/users/{id}/roles': staffOnly('roles:write'),
  'DELETE /v1/admin/users/{id}/roles/{role}': staffOnly('roles:write'),
  'POST /v1/admin/doctors/{id}/approve': staffOnly('doctors:approve'),
  'POST /v1/admin/users/{id}/suspend': staffOnly('users:write'),
  'POST /v1/admin/users/{id}/reactivate': staffOnly('users:write'),
  'POST /v1/admin/jobs/{id}/retry': staffOnly(
    'jobs:manage (admins); a dead letter belongs to the system, not to a user',
  ),
  'GET /v1/admin/offers/{id}': staffOnly('offers:write; offers belong to the shop, not to a user'),
  'PATCH /v1/admin/offers/{id}': staffOnly('offers:write; offers belong to the shop, not to a user'),
  'GET /v1/branches/{id}': { exempt: 'public by design: a branch is a shop front (address, hours, location)' },
  'PATCH /v1/admin/branches/{id}': staffOnly('branches:write; branches belong to the business, not to a user'),
  ...Object.fromEntries(
    [
      'POST /v1/admin/branches/{id}/stock/receive',
      'POST /v1/admin/branches/{id}/stock/adjust',
      'POST /v1/admin/branches/{id}/stock/transfer',
      'POST /v1/admin/branches/{id}/stock/write-off',
      'GET /v1/admin/branches/{id}/stock',
      'GET /v1/admin/branches/{id}/stock/expiring',
    ].map((route) => [
      route,
      staffOnly('stock permissions; branch-scoped staff at another branch: test/security/branch-scope.spec.ts'),
    ]),
  ),
  'GET /v1/admin/products/{id}/movements': staffOnly(
    "stock:read; branch-scoped staff see only their branches' movements: inventory e2e",
  ),
  'GET /v1/products/{id}/availability': {
    exempt: 'public by design: sellable quantity per branch, no per-user data',
  },
  'GET /v1/products/{id}': { exempt: 'public by design: the catalog page of an active product (inactive: 404)' },
  'GET /v1/products/{id}/substitutes': { exempt: 'public by design: generic equivalents, no per-user data' },
  'PATCH /v1/admin/categories/{id}': staffOnly('catalog:write; categories belong to the shop, not to a user'),
  'PATCH /v1/admin/products/{id}': staffOnly('catalog:write; products belong to the shop, not to a user'),
  'DELETE /v1/admin/products/{id}': staffOnly('catalog:write; products belong to the shop, not to a user'),
  // The cart is the caller's own (no owner id anywhere in the path): the path names a catalog product, not an
  // owned object. Another customer's PUT/DELETE of the same product id touches only their own cart: the live
  // check of 'GET /v1/cart' below and cart e2e ("one customer's cart is no one else's") prove A's cart unchanged.
  'PUT /v1/cart/items/{productId}': {
    exempt: "self route: the product id names a catalog product; the cart is always the caller's own (cart e2e)",
  },
  'DELETE /v1/cart/items/{productId}': {
    exempt:
      "self route: the product id names a catalog product; the cart is always the caller's own, a product not in it 404 (cart e2e)",
  },
  'GET /v1/orders/{id}': orders,
  'GET /v1/prescriptions/uploads/{id}': prescriptionUploads,
  'GET /v1/admin/orders/{id}': staffOnly(
    'orders:read at the order’s branch; another branch 403, audited (test/security/branch-scope.spec.ts); photos only with prescriptions:verify there (prescriptions e2e)',
  ),
  'GET /v1/orders/{id}/refunds': orders,
  'POST /v1/admin/orders/{id}/refunds': staffOnly(
    'orders:refund at the order’s branch; another branch 403, audited (test/security/branch-scope.spec.ts); never one’s own order (refunds e2e)',
  ),
  'POST /v1/admin/orders/{id}/verify': staffOnly(
    'prescriptions:verify at the order’s branch; another branch 403, audited (test/security/branch-scope.spec.ts); never one’s own order (prescriptions e2e)',
  ),
  'POST /v1/orders/{id}/cancel': ordersNotMovedByOthers,
  'POST /v1/admin/orders/{id}/transition': staffOnly(
    "orders:write; staff of another branch 403 (orders e2e: 'staff of the branch work a COD pickup')",
  ),
  // POST /v1/wallet/top-up (no id: always the caller's wallet) and POST /v1/payments/webhooks/stripe (public, but
  // refused 400 payments/bad-signature and audited without Stripe's signature: payments-gateway e2e) name no object.
  'GET /v1/payments/intents/{id}': paymentIntents,
  'POST /v1/orders/{id}/payment': {
    create: async (t, token) => ({ id: await placePendingCardOrder(t, token) }),
    snapshot: async (t, { id }) =>
      (
        (await t.database.db.execute(
          sql`select o.status, o.version, (select count(*) from payment_intents i where i.ref_id = o.id) as intents
              from orders o where o.id = ${id}`,
        )) as unknown as { rows: unknown[] }
      ).rows,
  },
  'POST /v1/payments/intents/{id}/checkout': paymentIntents,
  'PATCH /v1/admin/specialties/{id}': staffOnly('providers:write; specialties belong to the business, not to a user'),
  'GET /v1/doctors/{id}': {
    exempt:
      'public by design: the directory page of an approved doctor with a valid licence (others 404: providers e2e)',
  },
  // PUT/GET /v1/doctor/profile name no object: always the signed-in doctor's own (providers e2e: another doctor's
  // PUT writes their own profile, mine stays as it was).
  'POST /v1/admin/wallets/{id}/adjustments': staffOnly(
    'wallet:adjust (admins): the path names the account holder whose wallet support corrects; audited (wallet e2e)',
  ),
  // PUT/GET /v1/doctor/availability and POST /v1/doctor/time-off name no object: always the signed-in doctor's own
  // (availability e2e: another doctor's PUT writes only their own schedule).
  'GET /v1/doctor/time-off/{id}': doctorTimeOff,
  'DELETE /v1/doctor/time-off/{id}': {
    exempt:
      "the owner's call deletes it, so the matrix's owner-first order cannot apply; availability e2e: another doctor's DELETE answers 404 like a missing one, audited, and the time off stays",
  },
  'GET /v1/doctors/{id}/slots': {
    exempt: 'public by design: free slot times of a doctor who set availability, no patient data (others 404)',
  },
  'GET /v1/appointments/{id}': appointments,
  'GET /v1/prescriptions/{id}': ePrescriptions,
  'POST /v1/prescriptions/{id}/cart': ePrescriptions,
  'GET /v1/prescriptions/verify/{code}': {
    exempt:
      'public by design: the code is the capability (50 random bits, rate-limited); it answers validity, dates, the doctor and line names, never the patient',
  },
  'POST /v1/doctor/consultations/{id}/prescriptions': {
    exempt: `the consultation's doctor acts (the matrix's doctors have no patients); ${E_PRESCRIPTIONS_E2E}`,
  },
  'POST /v1/doctor/prescriptions/{id}/revoke': {
    exempt: `the owner's call revokes it, so the owner-first order cannot apply; ${E_PRESCRIPTIONS_E2E}`,
  },
  'POST /v1/appointments/{id}/cancel': appointmentsNotMovedByOthers,
  'POST /v1/appointments/{id}/reschedule': {
    exempt:
      "its body must name another offered slot of the booking's doctor, which the matrix's empty body cannot; appointments e2e: another patient's move answers 404 like a missing one and the booking stays",
  },
  'GET /v1/consultations/{id}': consultations,
  'GET /v1/consultations/{id}/video': consultations,
  'GET /v1/consultations/{id}/messages': consultations,
  'GET /v1/consultations/{id}/notes': consultations,
  'POST /v1/appointments/{id}/check-in': consultationsNotMovedByOthers,
  'POST /v1/consultations/{id}/messages': {
    exempt: `a message needs text or files, which the matrix's empty body is not (400); ${CONSULTATIONS_E2E}`,
  },
  'POST /v1/consultations/{id}/rating': {
    exempt: `the body needs stars and the consultation must be completed first; ${CONSULTATIONS_E2E}`,
  },
  ...Object.fromEntries(
    [
      'POST /v1/doctor/consultations/{id}/start',
      'POST /v1/doctor/consultations/{id}/complete',
      'PUT /v1/doctor/consultations/{id}/notes',
      'POST /v1/doctor/consultations/{id}/notes/sign',
      'POST /v1/doctor/consultations/{id}/notes/addenda',
    ].map((route) => [
      route,
      {
        exempt: `the consultation's doctor acts (the matrix's doctors have no patients); customers and staff lack practice:write (403, function-level matrix); ${CONSULTATIONS_E2E}`,
      },
    ]),
  ),
  'GET /v1/tickets/{id}': tickets,
  'POST /v1/tickets/{id}/messages': {
    exempt: `a message needs a body, which the matrix's empty body is not (400); ${SUPPORT_E2E}`,
  },
  'POST /v1/tickets/{id}/reopen': resolvedTickets,
  ...Object.fromEntries(
    ['GET', 'POST assign', 'POST messages', 'POST notes', 'POST transition'].map((m) => {
      const [method, tail] = m.split(' ');
      return [
        `${method} /v1/admin/tickets/{id}${tail ? `/${tail}` : ''}`,
        staffOnly('tickets:read / tickets:write: support agents and admins work every ticket (support e2e)'),
      ];
    }),
  ),
  'POST /v1/subscriptions/{id}/cancel': subscriptions,
  'PATCH /v1/admin/plans/{id}': staffOnly('plans:write (admins): every plan by design (plans e2e)'),
  'DELETE /v1/devices/{id}': {
    exempt:
      "the owner's call deletes it, so the matrix's owner-first order cannot apply; notifications e2e: another account's DELETE answers 404 like a missing one, audited, and the device stays",
  },
};

/** Every list operation (`{ items, nextCursor }`) must say how a second user is kept from the first's rows. */
export const LIST_ROUTES: Record<string, ((t: TestApp, a: string, b: string) => Promise<void>) | Exempt> = {
  'GET /v1/admin/users': staffOnly(
    'users:read: admin and support list every account; a branch manager only the staff of their branches, customers by exact email or phone (audited): admin-integrity e2e',
  ),
  'GET /v1/admin/offers': staffOnly('offers:write: lists every offer by design'),
  'GET /v1/admin/jobs/failed': staffOnly(
    'jobs:manage (admins): every failed job, whoever caused it (bullmq-jobs spec)',
  ),
  'GET /v1/offers': {
    exempt: 'public list of the running offers; no per-user rows (coupon offers are never listed: offers e2e)',
  },
  'GET /v1/branches': { exempt: 'public list of active branches; no per-user rows' },
  'GET /v1/doctors': {
    exempt: 'public doctor directory: approved doctors with a valid licence only, no per-user rows (providers e2e)',
  },
  'GET /v1/admin/branches/{id}/stock': staffOnly(
    "stock:read at that branch (other branch's stock: 403, inventory e2e)",
  ),
  'GET /v1/admin/branches/{id}/stock/expiring': staffOnly(
    "stock:read at that branch (other branch's: 403, inventory e2e)",
  ),
  'GET /v1/admin/products/{id}/movements': staffOnly("stock:read; filtered to the reader's branches (inventory e2e)"),
  'GET /v1/categories': { exempt: 'public category tree; no per-user rows' },
  'GET /v1/products': { exempt: 'public catalog (active products only); no per-user rows' },
  'GET /v1/products/{id}/substitutes': { exempt: 'public generic equivalents; no per-user rows' },
  // The caller's own cart (no id in the path; its lines are rows of the caller only): B never sees A's lines, and
  // B's writes naming A's product (remove it, empty the cart, drop the coupon) leave A's cart as it was.
  'GET /v1/cart': async (t, a, b) => {
    const productId = (await insertProduct(t)).id;
    const put = await t.http.request('PUT', `/v1/cart/items/${productId}`, { token: a, body: { quantity: 3 } });
    if (put.status !== 200) throw new Error(`PUT /v1/cart/items: the owner cannot fill their cart: ${put.status}`);
    const mine = JSON.stringify((await t.http.get('/v1/cart', a)).body);
    const theirs = await t.http.get('/v1/cart', b);
    if (theirs.status !== 200 || theirs.body.items.length !== 0)
      throw new Error(`GET /v1/cart: another customer sees A's cart: ${JSON.stringify(theirs.body)}`);
    const removal = await t.http.request('DELETE', `/v1/cart/items/${productId}`, { token: b });
    if (removal.status !== 404) throw new Error(`DELETE /v1/cart/items: B removed A's line (${removal.status})`);
    await t.http.request('DELETE', '/v1/cart/coupon', { token: b });
    await t.http.request('DELETE', '/v1/cart', { token: b });
    const after = JSON.stringify((await t.http.get('/v1/cart', a)).body);
    if (after !== mine) throw new Error(`/v1/cart: B's writes changed A's cart: ${mine} -> ${after}`);
  },
  // The caller's own orders (no id in the path): B's list never holds A's order, even with A's cursor.
  'GET /v1/orders': async (t, a, b) => {
    const id = await placeOrder(t, a);
    const mine = await t.http.get('/v1/orders?limit=1', a);
    if (mine.body.items?.[0]?.id !== id) throw new Error(`GET /v1/orders: the owner does not see their order`);
    const cursor = mine.body.nextCursor as string | null;
    for (const url of ['/v1/orders', `/v1/orders?cursor=${cursor ?? ''}`].slice(0, cursor ? 2 : 1)) {
      const theirs = await t.http.get(url, b);
      if (theirs.status !== 200 || JSON.stringify(theirs.body).includes(id))
        throw new Error(`${url}: another customer sees A's order: ${JSON.stringify(theirs.body)}`);
    }
  },
  'GET /v1/admin/orders': staffOnly(
    "orders:read; branch-scoped staff see only their branches' orders, another branch's branchId 403 (orders e2e)",
  ),
  // The caller's own prescription photos (no id in the path): B's list never holds A's, even with A's cursor.
  'GET /v1/prescriptions/uploads': async (t, a, b) => {
    const id = await uploadPrescription(t, a);
    await uploadPrescription(t, a);
    const mine = await t.http.get('/v1/prescriptions/uploads?limit=1', a);
    if (mine.body.items?.length !== 1) throw new Error('GET /v1/prescriptions/uploads: the owner sees no upload');
    const cursor = mine.body.nextCursor as string | null;
    for (const url of ['/v1/prescriptions/uploads', `/v1/prescriptions/uploads?cursor=${cursor ?? ''}`]) {
      const theirs = await t.http.get(url, b);
      if (theirs.status !== 200 || JSON.stringify(theirs.body).includes(id) || theirs.body.items.length !== 0)
        throw new Error(`${url}: another customer sees A's prescription photos: ${JSON.stringify(theirs.body)}`);
    }
  },
  // The caller's own wallet (no id in the path): B never sees A's balance or movements, even with A's cursor.
  'GET /v1/wallet': async (t, a, b) => {
    const aId = (await t.http.get('/v1/me', a)).body.user.id as string;
    await creditWallet(t, aId, 4200, { memo: 'only for A' });
    const mine = await t.http.get('/v1/wallet?limit=1', a);
    if (mine.body.balanceMinor < 4200 || mine.body.entries.items[0]?.memo !== 'only for A')
      throw new Error(`GET /v1/wallet: the owner does not see their wallet: ${JSON.stringify(mine.body)}`);
    const cursor = mine.body.entries.nextCursor as string | null;
    for (const url of ['/v1/wallet', `/v1/wallet?cursor=${cursor ?? ''}`].slice(0, cursor ? 2 : 1)) {
      const theirs = await t.http.get(url, b);
      const seen = JSON.stringify(theirs.body);
      if (theirs.status !== 200 || seen.includes('only for A') || theirs.body.balanceMinor !== 0)
        throw new Error(`${url}: another customer sees A's wallet: ${seen}`);
    }
  },
  // The caller's own points (no id in the path): B never sees A's balance or movements, even with A's cursor.
  'GET /v1/loyalty': async (t, a, b) => {
    const aId = (await t.http.get('/v1/me', a)).body.user.id as string;
    const orderId = await earnPoints(t, aId, 40);
    const mine = await t.http.get('/v1/loyalty?limit=1', a);
    if (mine.body.balance < 40 || mine.body.history.items[0]?.orderId !== orderId)
      throw new Error(`GET /v1/loyalty: the owner does not see their points: ${JSON.stringify(mine.body)}`);
    const cursor = mine.body.history.nextCursor as string | null;
    for (const url of ['/v1/loyalty', `/v1/loyalty?cursor=${cursor ?? ''}`].slice(0, cursor ? 2 : 1)) {
      const theirs = await t.http.get(url, b);
      const seen = JSON.stringify(theirs.body);
      if (theirs.status !== 200 || seen.includes(orderId) || theirs.body.balance !== 0 || theirs.body.nextExpiry)
        throw new Error(`${url}: another customer sees A's points: ${seen}`);
    }
  },
  // A doctor's own time off (no id in the path): another doctor's list never holds it, even with A's cursor.
  // Customers are refused 403 (function-level matrix), so the check signs in two doctors of its own.
  'GET /v1/doctor/time-off': async (t) => {
    const [a, b] = [await registerUser(t, { type: 'doctor' }), await registerUser(t, { type: 'doctor' })];
    const ids: string[] = [];
    for (const day of ['01', '02']) {
      const res = await t.http.post(
        '/v1/doctor/time-off',
        { startsAt: `2031-04-${day}T08:00:00Z`, endsAt: `2031-04-${day}T12:00:00Z` },
        a.accessToken,
      );
      ids.push(res.body.id as string);
    }
    const mine = await t.http.get('/v1/doctor/time-off?limit=1', a.accessToken);
    if (mine.body.items?.[0]?.id !== ids[0]) throw new Error('GET /v1/doctor/time-off: the owner does not see theirs');
    for (const url of ['/v1/doctor/time-off', `/v1/doctor/time-off?cursor=${mine.body.nextCursor as string}`]) {
      const theirs = await t.http.get(url, b.accessToken);
      if (
        theirs.status !== 200 ||
        theirs.body.items.length !== 0 ||
        ids.some((id) => JSON.stringify(theirs.body).includes(id))
      )
        throw new Error(`${url}: another doctor sees A's time off: ${JSON.stringify(theirs.body)}`);
    }
  },
  // A patient's own bookings: another customer's list never holds them, even with A's cursor.
  'GET /v1/appointments': async (t, a, b) => {
    const first = await bookAppointment(t, a);
    await bookAppointment(t, a);
    const mine = await t.http.get('/v1/appointments?limit=1', a);
    if (mine.body.items?.length !== 1) throw new Error('GET /v1/appointments: the owner sees no booking');
    for (const url of ['/v1/appointments', `/v1/appointments?cursor=${mine.body.nextCursor as string}`]) {
      const theirs = await t.http.get(url, b);
      if (theirs.status !== 200 || theirs.body.items.length !== 0 || JSON.stringify(theirs.body).includes(first.id))
        throw new Error(`${url}: another customer sees A's appointment: ${JSON.stringify(theirs.body)}`);
    }
  },
  // A consultation's chat: another customer's read answers 404 (audited), with or without A's cursor.
  'GET /v1/consultations/{id}/messages': async (t, a, b) => {
    const c = await startedConsultation(t, a);
    for (const text of ['first', 'second']) await t.http.post(`/v1/consultations/${c.id}/messages`, { text }, a);
    const mine = await t.http.get(`/v1/consultations/${c.id}/messages?limit=1`, a);
    if (mine.body.items?.length !== 1 || !mine.body.nextCursor)
      throw new Error('GET /v1/consultations/{id}/messages: the patient does not see the chat');
    for (const query of ['', `?cursor=${mine.body.nextCursor as string}`]) {
      const theirs = await t.http.get(`/v1/consultations/${c.id}/messages${query}`, b);
      if (theirs.status !== 404 || JSON.stringify(theirs.body).includes('first'))
        throw new Error(`another customer reads A's chat: ${theirs.status} ${JSON.stringify(theirs.body)}`);
    }
  },
  // A patient's own e-prescriptions (no id in the path): B's list never holds A's, even with A's cursor.
  'GET /v1/prescriptions': async (t, a, b) => {
    const first = await issuePrescription(t, a);
    await issuePrescription(t, a);
    const mine = await t.http.get('/v1/prescriptions?limit=1', a);
    if (mine.body.items?.length !== 1) throw new Error('GET /v1/prescriptions: the owner sees none');
    for (const url of ['/v1/prescriptions', `/v1/prescriptions?cursor=${mine.body.nextCursor as string}`]) {
      const theirs = await t.http.get(url, b);
      if (theirs.status !== 200 || theirs.body.items.length !== 0 || JSON.stringify(theirs.body).includes(first.id))
        throw new Error(`${url}: another customer sees A's prescription: ${JSON.stringify(theirs.body)}`);
    }
  },
  // The prescriptions a doctor wrote (no id in the path): another doctor's list never holds them.
  'GET /v1/doctor/prescriptions': async (t, a) => {
    const first = await issuePrescription(t, a);
    const other = await createBookableDoctor(t);
    const mine = await t.http.get('/v1/doctor/prescriptions?limit=1', first.doctor.accessToken);
    if (mine.body.items?.[0]?.id !== first.id) throw new Error('GET /v1/doctor/prescriptions: the doctor sees none');
    const theirs = await t.http.get('/v1/doctor/prescriptions', other.accessToken);
    if (theirs.status !== 200 || theirs.body.items.length !== 0 || JSON.stringify(theirs.body).includes(first.id))
      throw new Error(`another doctor sees A's prescription: ${JSON.stringify(theirs.body)}`);
  },
  // A doctor's own appointments (no id in the path): another doctor's list never holds them.
  'GET /v1/doctor/appointments': async (t, a) => {
    const [d1, d2] = [await createBookableDoctor(t), await createBookableDoctor(t)];
    const booked = await bookAppointment(t, a, d1.user.id);
    await bookAppointment(t, a, d1.user.id);
    const mine = await t.http.get('/v1/doctor/appointments?limit=1', d1.accessToken);
    if (mine.body.items?.length !== 1) throw new Error('GET /v1/doctor/appointments: the doctor sees none');
    for (const url of ['/v1/doctor/appointments', `/v1/doctor/appointments?cursor=${mine.body.nextCursor as string}`]) {
      const theirs = await t.http.get(url, d2.accessToken);
      if (theirs.status !== 200 || theirs.body.items.length !== 0 || JSON.stringify(theirs.body).includes(booked.id))
        throw new Error(`${url}: another doctor sees A's appointment: ${JSON.stringify(theirs.body)}`);
    }
  },
  // The caller's own tickets (no id in the path): B's list never holds A's, even with A's cursor; and the
  // internal notes support wrote on A's ticket never appear in A's own list or ticket (nor B's, of course).
  'GET /v1/tickets': async (t, a, b) => {
    const first = await openTicket(t, a);
    await openTicket(t, a);
    const SECRET = `internal-note-${first}`;
    const note = await staffStep(t, first, 'notes', { body: SECRET }, await supportAgent(t));
    const mine = await t.http.get('/v1/tickets?limit=1', a);
    if (mine.body.items?.length !== 1 || !mine.body.nextCursor) throw new Error('GET /v1/tickets: the owner sees none');
    const own = [
      mine,
      await t.http.get(`/v1/tickets?cursor=${mine.body.nextCursor as string}`, a),
      await t.http.get(`/v1/tickets/${first}`, a),
    ];
    for (const res of own) {
      const seen = JSON.stringify(res.body);
      if (res.status !== 200 || seen.includes(SECRET) || seen.includes(note.id as string))
        throw new Error(`an internal note reached the customer: ${seen}`);
    }
    for (const url of ['/v1/tickets', `/v1/tickets?cursor=${mine.body.nextCursor as string}`]) {
      const theirs = await t.http.get(url, b);
      if (theirs.status !== 200 || theirs.body.items.length !== 0 || JSON.stringify(theirs.body).includes(first))
        throw new Error(`${url}: another customer sees A's ticket: ${JSON.stringify(theirs.body)}`);
    }
  },
  'GET /v1/admin/tickets': staffOnly('tickets:read: the support queue lists every ticket by design'),
  // The caller's own inbox (no id in the path): B's list never holds A's notifications, even with A's cursor,
  // and B marking A's ids read leaves them unread (POST /v1/notifications/read matches only the caller's rows).
  'GET /v1/notifications': async (t, a, b) => {
    await placeOrder(t, a);
    await placeOrder(t, a);
    await t.app.get(OutboxService).relay();
    const mine = await t.http.get('/v1/notifications?limit=1', a);
    const id = mine.body.items?.[0]?.id as string | undefined;
    if (!id || !mine.body.nextCursor) throw new Error('GET /v1/notifications: the owner sees no notification');
    for (const url of ['/v1/notifications', `/v1/notifications?cursor=${mine.body.nextCursor as string}`]) {
      const theirs = await t.http.get(url, b);
      if (theirs.status !== 200 || JSON.stringify(theirs.body).includes(id))
        throw new Error(`${url}: another user sees A's notification: ${JSON.stringify(theirs.body)}`);
    }
    const unread = (await t.http.get('/v1/notifications/unread-count', a)).body.count as number;
    const read = await t.http.post('/v1/notifications/read', { ids: [id] }, b);
    if (read.status !== 200 || read.body.updated !== 0)
      throw new Error(`B marked A's notification read: ${read.status}`);
    const after = (await t.http.get('/v1/notifications/unread-count', a)).body.count as number;
    if (after !== unread) throw new Error(`B's read changed A's unread count: ${unread} -> ${after}`);
  },
};
