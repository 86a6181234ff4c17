import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderVerificationService } from '../../src/modules/orders/order-verification.service.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { stockOf as stockOfProduct, walletBalance } from '../support/stock-and-money.js';
import { invariantViolations } from '../support/invariants.js';
import { PNG, filePart, multipartBody, type FormPart } from '../support/multipart.js';
import { quietAutomaticOffers } from '../factories/cart.factory.js';
import { createBranch, receive, type BranchBody } from '../factories/inventory.factory.js';
import { insertProduct } from '../factories/offers.factory.js';
import { creditWallet } from '../factories/payments.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');
const LIMIT = 4096;

let t: TestApp;
let admin: string;
let branch: BranchBody;
let pharmacist: { token: string; id: string };
beforeAll(async () => {
  t = await bootTestApp({ PRESCRIPTION_UPLOAD_MAX_BYTES: String(LIMIT), DATABASE_POOL_MAX: '12' });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  branch = await createBranch(t, admin);
  const ph = await createStaff(t, [{ role: 'pharmacist', branchId: branch.id }]);
  pharmacist = { token: ph.accessToken, id: ph.user.id };
  await quietAutomaticOffers(t);
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
});

const rows = async <T>(q: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;
const upload = (token: string, parts: FormPart[]) => {
  const { payload, contentType } = multipartBody(parts);
  return t.http.request('POST', '/v1/prescriptions/uploads', {
    token,
    raw: payload,
    headers: { 'content-type': contentType },
  });
};
const place = (token: string, body: unknown) =>
  t.http.request('POST', '/v1/orders', { token, body, headers: { 'idempotency-key': `checkout-${randomUUID()}` } });
const verify = (token: string, id: string, body: unknown) =>
  t.http.request('POST', `/v1/admin/orders/${id}/verify`, {
    token,
    body,
    headers: { 'idempotency-key': `verify-${randomUUID()}` },
  });
const stockOf = (productId: string) => stockOfProduct(t, productId);
const entriesOf = async (orderId: string) =>
  (
    await rows<{ key: string }>(sql`select key from journal_entries where ref_id = ${orderId} order by created_at, id`)
  ).map((r) => r.key);
const balance = (token: string) => walletBalance(t, token);

async function customer() {
  const u = await registerUser(t);
  return { token: u.accessToken, id: u.user.id };
}
async function photo(token: string): Promise<string> {
  const res = await upload(token, [filePart(PNG), { name: 'note', value: 'Dr. Samir, 2 boxes' }]);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** A customer with a cart of one Rx-only line (2 × 3000) and one OTC line (1 × 1000) at the branch. */
async function rxCart(paymentMethod: 'cod' | 'wallet' | 'card' = 'wallet') {
  const c = await customer();
  const rx = await insertProduct(t, { priceMinor: 3000, rxRequired: true });
  const otc = await insertProduct(t, { priceMinor: 1000 });
  for (const p of [rx, otc]) await receive(t, admin, branch.id, { productId: p.id, quantity: 5 });
  await t.http.request('PUT', `/v1/cart/items/${rx.id}`, { token: c.token, body: { quantity: 2 } });
  await t.http.request('PUT', `/v1/cart/items/${otc.id}`, { token: c.token, body: { quantity: 1 } });
  if (paymentMethod === 'wallet') await creditWallet(t, c.id, 10_000);
  const body = { branchId: branch.id, fulfilment: 'pickup', paymentMethod };
  return { c, rx, otc, body };
}

async function placedRx(paymentMethod: 'cod' | 'wallet' = 'wallet') {
  const cart = await rxCart(paymentMethod);
  const upload = await photo(cart.c.token);
  const res = await place(cart.c.token, { ...cart.body, prescriptionIds: [upload] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...cart, upload, order: res.body as { id: string; totalMinor: number; status: string } };
}

describe('prescription uploads', () => {
  it('keeps a photo of the customer’s own, sniffed and noted, and lists it newest first', async () => {
    const c = await customer();
    const first = await photo(c.token);
    const second = await photo(c.token);
    const got = await t.http.get(`/v1/prescriptions/uploads/${second.toUpperCase()}`, c.token);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: second, note: 'Dr. Samir, 2 boxes', file: { contentType: 'image/png' } });
    expect(got.body.file.downloadUrl).toMatch(/^\/v1\/files\/.+\/content\?expires=/);
    const list = await t.http.get('/v1/prescriptions/uploads?limit=1', c.token);
    expect(list.body.items.map((u: { id: string }) => u.id)).toEqual([second]);
    const next = await t.http.get(`/v1/prescriptions/uploads?limit=1&cursor=${list.body.nextCursor}`, c.token);
    expect(next.body.items.map((u: { id: string }) => u.id)).toEqual([first]);
  });

  it('takes images only, within the size limit, and refuses bad forms with problem+json', async () => {
    const c = await customer();
    const pdf = await upload(c.token, [filePart(PDF, 'scan.png', 'image/png')]);
    expect([pdf.status, pdf.body.code]).toEqual([415, 'files/type-not-allowed']);
    const big = await upload(c.token, [filePart(Buffer.concat([PNG, Buffer.alloc(LIMIT)]))]);
    expect([big.status, big.body.code]).toEqual([413, 'files/too-large']);
    const note = await upload(c.token, [filePart(PNG), { name: 'note', value: 'x'.repeat(501) }]);
    expect([note.status, note.body.code]).toEqual([400, 'common/validation-failed']);
    const nul = await upload(c.token, [filePart(PNG), { name: 'note', value: 'a\u0000b' }]);
    expect([nul.status, nul.body.errors?.[0]?.field]).toEqual([400, 'note']);
    const none = await upload(c.token, [{ name: 'note', value: 'no file' }]);
    expect([none.status, none.body.code]).toEqual([400, 'files/no-file']);
    const json = await t.http.request('POST', '/v1/prescriptions/uploads', { token: c.token, body: {} });
    expect(json.status).toBe(415);
    expect((await t.http.get('/v1/prescriptions/uploads', c.token)).body.items).toEqual([]);
  });

  it('answers another customer’s upload as missing, and audits the attempt', async () => {
    const owner = await customer();
    const other = await customer();
    const id = await photo(owner.token);
    const res = await t.http.get(`/v1/prescriptions/uploads/${id}`, other.token);
    expect([res.status, res.body.code]).toEqual([404, 'prescriptions/upload-not-found']);
    const missing = await t.http.get(`/v1/prescriptions/uploads/${randomUUID()}`, other.token);
    expect([missing.status, missing.body.code]).toEqual([404, 'prescriptions/upload-not-found']);
    const audit = await rows<{ action: string }>(
      sql`select action from audit_log where subject_id = ${id} and actor_id = ${other.id}`,
    );
    expect(audit.map((a) => a.action)).toEqual(['access.denied']);
  });
});

describe('checkout with Rx lines', () => {
  it('needs a prescription of the customer’s own; another’s is missing (audited) and nothing is left behind', async () => {
    const { c, rx, body } = await rxCart();
    const without = await place(c.token, body);
    expect([without.status, without.body.code]).toEqual([409, 'orders/prescription-required']);
    const stranger = await customer();
    const theirs = await photo(stranger.token);
    const foreign = await place(c.token, { ...body, prescriptionIds: [theirs] });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'prescriptions/upload-not-found']);
    const unknown = await place(c.token, { ...body, prescriptionIds: [randomUUID()] });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'prescriptions/upload-not-found']);
    const bad = await place(c.token, { ...body, prescriptionIds: ['not-an-id'] });
    expect(bad.status).toBe(400);
    const denied = await rows<{ action: string }>(
      sql`select action from audit_log where subject_id = ${theirs} and actor_id = ${c.id}`,
    );
    expect(denied.map((a) => a.action)).toEqual(['access.denied']);
    expect(await stockOf(rx.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await balance(c.token)).toBe(10_000);
    expect((await t.http.get('/v1/cart', c.token)).body.items).toHaveLength(2);
  });

  it('places the order pending verification: stock reserved, the wallet payment held, the photo linked', async () => {
    const { c, rx, upload, order } = await placedRx('wallet');
    expect(order.status).toBe('pending_verification');
    expect(order).toMatchObject({ prescriptionIds: [upload], totalMinor: 7000 });
    const lines = (order as unknown as { lines: { rxRequired: boolean; prescriptionId: string | null }[] }).lines;
    expect(lines.map((l) => [l.rxRequired, l.prescriptionId])).toEqual([
      [true, upload],
      [false, null],
    ]);
    expect(await stockOf(rx.id)).toEqual({ onHand: 5, reserved: 2 });
    expect(await balance(c.token)).toBe(3000);
    expect(await entriesOf(order.id)).toEqual([`order:${order.id}:hold`]);
    const revenue = await rows<{ n: string }>(
      sql`select count(*) as n from postings p join ledger_accounts a on a.id = p.account_id join journal_entries e on e.id = p.entry_id where e.ref_id = ${order.id} and a.kind = 'revenue'`,
    );
    expect(Number(revenue[0]!.n)).toBe(0);
  });
});

describe('pharmacist verification', () => {
  const approveAll = { lines: [{ lineNo: 1, approved: true, note: 'checked the stamp' }] };

  it('only a pharmacist of the branch verifies; staff steps cannot skip it', async () => {
    const { c, order } = await placedRx();
    const other = await createBranch(t, admin);
    const elsewhere = (await createStaff(t, [{ role: 'pharmacist', branchId: other.id }])).accessToken;
    const manager = (await createStaff(t, [{ role: 'branch_manager', branchId: branch.id }])).accessToken;
    const foreign = await verify(elsewhere, order.id, approveAll);
    expect([foreign.status, foreign.body.code]).toEqual([403, 'orders/not-your-branch']);
    expect((await verify(manager, order.id, approveAll)).status).toBe(403);
    expect((await verify(c.token, order.id, approveAll)).status).toBe(403);
    const skip = await t.http.request('POST', `/v1/admin/orders/${order.id}/transition`, {
      token: admin,
      body: { to: 'confirmed' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect([skip.status, skip.body.code]).toEqual([409, 'orders/verify-prescriptions']);
    const missing = await verify(pharmacist.token, randomUUID(), approveAll);
    expect(missing.status).toBe(404);
    expect((await t.http.get(`/v1/orders/${order.id}`, c.token)).body.status).toBe('pending_verification');
  });

  it('refuses decisions that miss, repeat or invent lines, changing nothing', async () => {
    const { c, order } = await placedRx();
    for (const body of [
      { lines: [{ lineNo: 2, approved: true }] },
      { lines: [approveAll.lines[0], { lineNo: 1, approved: false }] },
      { lines: [{ lineNo: 1, approved: true, prescriptionId: randomUUID() }] },
      { lines: [] },
      { lines: [{ lineNo: 1, approved: 'yes' }] },
      { lines: [{ lineNo: 1, approved: true }], extra: 1 },
    ]) {
      const res = await verify(pharmacist.token, order.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const view = (await t.http.get(`/v1/orders/${order.id}`, c.token)).body;
    expect(view.status).toBe('pending_verification');
    expect(view.lines[0].verification).toBeNull();
  });

  it('approval captures the held payment and records the verifier; a second decision is refused', async () => {
    const { c, order } = await placedRx('wallet');
    const res = await verify(pharmacist.token, order.id, approveAll);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('confirmed');
    expect(res.body.lines[0]).toMatchObject({ verification: 'approved' });
    expect(res.body.lines[1]).toMatchObject({ verification: null });
    expect(await entriesOf(order.id)).toEqual([`order:${order.id}:hold`, `order:${order.id}:capture`]);
    expect(await balance(c.token)).toBe(3000);
    const line = await rows<{ verified_by: string; verification_note: string }>(
      sql`select verified_by, verification_note from order_lines where order_id = ${order.id} and line_no = 1`,
    );
    expect(line).toEqual([{ verified_by: pharmacist.id, verification_note: 'checked the stamp' }]);
    const again = await verify(pharmacist.token, order.id, approveAll);
    expect([again.status, again.body.code]).toEqual([409, 'orders/not-awaiting-verification']);
    const history = await rows<{ to_status: string; actor_id: string | null }>(
      sql`select to_status, actor_id from order_transitions where order_id = ${order.id} order by at, id`,
    );
    expect(history).toEqual([
      { to_status: 'pending_verification', actor_id: c.id },
      { to_status: 'confirmed', actor_id: pharmacist.id },
    ]);
  });

  it('rejection cancels: stock released and the held payment back in the wallet', async () => {
    const { c, rx, otc, order } = await placedRx('wallet');
    const res = await verify(pharmacist.token, order.id, {
      lines: [{ lineNo: 1, approved: false, note: 'unreadable' }],
      reason: 'Please upload a clearer photo',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(await stockOf(rx.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await stockOf(otc.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await balance(c.token)).toBe(10_000);
    expect(await entriesOf(order.id)).toEqual([`order:${order.id}:hold`, `order:${order.id}:hold-release`]);
  });

  it('two pharmacists deciding at once: one decision wins, the money moves once', async () => {
    const { c, order } = await placedRx('wallet');
    const second = (await createStaff(t, [{ role: 'pharmacist', branchId: branch.id }])).accessToken;
    const results = await Promise.all([
      verify(pharmacist.token, order.id, approveAll),
      verify(second, order.id, { lines: [{ lineNo: 1, approved: false }] }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const keys = await entriesOf(order.id);
    expect(keys).toHaveLength(2);
    expect(await balance(c.token)).toBe(keys.includes(`order:${order.id}:capture`) ? 3000 : 10_000);
  });

  it('a pharmacist cannot verify their own order', async () => {
    const ph = await createStaff(t, [{ role: 'pharmacist', branchId: branch.id }]);
    const rx = await insertProduct(t, { priceMinor: 3000, rxRequired: true });
    await receive(t, admin, branch.id, { productId: rx.id, quantity: 2 });
    await t.http.request('PUT', `/v1/cart/items/${rx.id}`, { token: ph.accessToken, body: { quantity: 1 } });
    const id = await photo(ph.accessToken);
    const placed = await place(ph.accessToken, {
      branchId: branch.id,
      fulfilment: 'pickup',
      paymentMethod: 'cod',
      prescriptionIds: [id],
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const res = await verify(ph.accessToken, placed.body.id, { lines: [{ lineNo: 1, approved: true }] });
    expect([res.status, res.body.code]).toEqual([403, 'orders/self-verification']);
  });

  it('a COD Rx order goes from upload through verification to completion', async () => {
    const { c, rx, order } = await placedRx('cod');
    expect((await verify(pharmacist.token, order.id, approveAll)).body.status).toBe('confirmed');
    for (const to of ['preparing', 'ready', 'completed']) {
      const res = await t.http.request('POST', `/v1/admin/orders/${order.id}/transition`, {
        token: pharmacist.token,
        body: { to },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.body.status, JSON.stringify(res.body)).toBe(to);
    }
    expect(await stockOf(rx.id)).toEqual({ onHand: 3, reserved: 0 });
    // In the completion's order: the points earned, then the cash captured (each entry stamped when posted).
    expect(await entriesOf(order.id)).toEqual([`order:${order.id}:points:earn`, `order:${order.id}:capture`]);
    // Points on the OTC line only (1000 → 10 by default): Rx-only lines earn none.
    const points = await t.http.get('/v1/loyalty', c.token);
    expect(points.body).toMatchObject({ balance: 10, history: { items: [{ kind: 'loyalty.earn', points: 10 }] } });
  });
});

describe('staff view of an order', () => {
  it('shows the photos to the branch’s pharmacist (each read audited), not to its manager, nothing to another branch', async () => {
    const { upload, order } = await placedRx();
    const mine = await t.http.get(`/v1/admin/orders/${order.id}`, pharmacist.token);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.prescriptions.map((p: { id: string }) => p.id)).toEqual([upload]);
    expect(mine.body.prescriptions[0].file.downloadUrl).toContain('/content?expires=');
    const reads = await rows<{ action: string; actor_id: string }>(
      sql`select action, actor_id from audit_log where subject_id = ${upload} and action = 'health_data.read'`,
    );
    expect(reads).toEqual([{ action: 'health_data.read', actor_id: pharmacist.id }]);
    const manager = (await createStaff(t, [{ role: 'branch_manager', branchId: branch.id }])).accessToken;
    const managed = await t.http.get(`/v1/admin/orders/${order.id}`, manager);
    expect(managed.status).toBe(200);
    expect(managed.body.prescriptions).toEqual([]);
    expect(managed.body.prescriptionIds).toEqual([upload]);
    const other = await createBranch(t, admin);
    const there = (await createStaff(t, [{ role: 'pharmacist', branchId: other.id }])).accessToken;
    const foreign = await t.http.get(`/v1/admin/orders/${order.id}`, there);
    expect([foreign.status, foreign.body.code]).toEqual([403, 'orders/not-your-branch']);
  });
});

describe('a prescription named on several orders', () => {
  it('shows the pharmacist every other order the same photo was placed with', async () => {
    // Attack: one photo of a paper prescription named on order after order (at this branch or another, even
    // at once): each pharmacist saw only the photo, never that it had been filled already.
    const first = await placedRx('cod');
    const approved = await verify(pharmacist.token, first.order.id, { lines: [{ lineNo: 1, approved: true }] });
    expect(approved.body.status, JSON.stringify(approved.body)).toBe('confirmed');
    for (const p of [first.rx, first.otc])
      await t.http.request('PUT', `/v1/cart/items/${p.id}`, { token: first.c.token, body: { quantity: 1 } });
    const again = await place(first.c.token, { ...first.body, prescriptionIds: [first.upload] });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    const view = await t.http.get(`/v1/admin/orders/${again.body.id}`, pharmacist.token);
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body.prescriptionUses).toEqual([
      {
        prescriptionId: first.upload,
        orderId: first.order.id,
        branchId: branch.id,
        status: 'confirmed',
        placedAt: expect.any(String),
      },
    ]);
    // Only to those who read the photos.
    const manager = (await createStaff(t, [{ role: 'branch_manager', branchId: branch.id }])).accessToken;
    expect((await t.http.get(`/v1/admin/orders/${again.body.id}`, manager)).body.prescriptionUses).toEqual([]);
  });
});

describe('expiry of orders left waiting', () => {
  it('expires an order a pharmacist never verified, once, giving stock and the held payment back', async () => {
    const stale = await placedRx('wallet');
    const fresh = await placedRx('wallet');
    await t.database.db.execute(
      sql`update orders set updated_at = now() - interval '13 hours' where id = ${stale.order.id}`,
    );
    const job = t.app.get(OrderVerificationService);
    expect(await job.expireOverdue()).toBeGreaterThanOrEqual(1);
    expect(await job.expireOverdue()).toBe(0);
    expect((await t.http.get(`/v1/orders/${stale.order.id}`, stale.c.token)).body.status).toBe('expired');
    expect((await t.http.get(`/v1/orders/${fresh.order.id}`, fresh.c.token)).body.status).toBe('pending_verification');
    expect(await stockOf(stale.rx.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await balance(stale.c.token)).toBe(10_000);
    const history = await rows<{ to_status: string; actor_id: string | null; reason: string }>(
      sql`select to_status, actor_id, reason from order_transitions where order_id = ${stale.order.id} and to_status = 'expired'`,
    );
    expect(history).toEqual([{ to_status: 'expired', actor_id: null, reason: 'not verified in time' }]);
  });
});
