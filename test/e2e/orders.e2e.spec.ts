import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUserActor } from '../../src/kernel/auth/index.js';
import { CartService } from '../../src/modules/cart/index.js';
import { OrderCheckoutService } from '../../src/modules/orders/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { stockOf as stockOfProduct } from '../support/stock-and-money.js';
import { invariantViolations } from '../support/invariants.js';
import { quietAutomaticOffers, storedCart } from '../factories/cart.factory.js';
import { createBranch, receive, type BranchBody } from '../factories/inventory.factory.js';
import { insertProduct } from '../factories/offers.factory.js';
import { creditWallet } from '../factories/payments.factory.js';
import { createStaff, insertCustomers, registerUser } from '../factories/user.factory.js';

const FEE = 2500;
const MISSING = '0190a0c8-0000-7000-8000-00000000dead';

let t: TestApp;
let admin: string;
let branch: BranchBody;
beforeAll(async () => {
  t = await bootTestApp({
    DELIVERY_FEE_MINOR: String(FEE),
    DELIVERY_FREE_ABOVE_MINOR: '0',
    DELIVERY_FEE_PER_KM_MINOR: '0',
    DATABASE_POOL_MAX: '12',
  });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  branch = await createBranch(t, admin);
  await quietAutomaticOffers(t);
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
});

const rows = async <T>(q: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;
const place = (token: string, body: unknown, key = `checkout-${randomUUID()}`) =>
  t.http.request('POST', '/v1/orders', { token, body, headers: { 'idempotency-key': key } });
const pickup = (extra: Record<string, unknown> = {}) => ({
  branchId: branch.id,
  fulfilment: 'pickup',
  paymentMethod: 'cod',
  ...extra,
});
// At the test branch (factories: buildBranch's point).
const address = { lat: 30.0444, lng: 31.2357, line1: '12 Tahrir Street' };

async function stocked(quantity: number, priceMinor = 4000, at = branch.id) {
  const p = await insertProduct(t, { priceMinor });
  await receive(t, admin, at, { productId: p.id, quantity });
  return p;
}
async function customer() {
  const u = await registerUser(t);
  return { token: u.accessToken, id: u.user.id };
}
const fill = (token: string, productId: string, quantity: number) =>
  t.http.request('PUT', `/v1/cart/items/${productId}`, { token, body: { quantity } });
const reserved = async (productId: string) =>
  Number(
    (
      await rows<{ r: string }>(
        sql`select coalesce(sum(reserved), 0) as r from stock_lots where product_id = ${productId}`,
      )
    )[0]?.r,
  );
const ordersOf = async (customerId: string) =>
  rows<{ id: string }>(sql`select id from orders where customer_id = ${customerId}`);

describe('orders: checkout', () => {
  it('places a COD pickup order: priced on the server, confirmed, stock reserved, cart emptied, history and event written', async () => {
    const c = await customer();
    const p = await stocked(5, 4000);
    expect((await fill(c.token, p.id, 2)).status).toBe(200);
    const res = await place(c.token, pickup());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      status: 'confirmed',
      branchId: branch.id,
      fulfilment: 'pickup',
      paymentMethod: 'cod',
      address: null,
      subtotalMinor: 8000,
      discountMinor: 0,
      deliveryFeeMinor: 0,
      pointsRedeemed: 0,
      totalMinor: 8000,
      lines: [{ lineNo: 1, productId: p.id, quantity: 2, unitPriceMinor: 4000, discountMinor: 0, nameEn: p.nameEn }],
    });
    expect(await reserved(p.id)).toBe(2);
    expect((await storedCart(t, c.id)).items).toEqual([]);
    const history = await rows<{ from_status: string | null; to_status: string; actor_id: string }>(
      sql`select from_status, to_status, actor_id from order_transitions where order_id = ${res.body.id}`,
    );
    expect(history).toEqual([{ from_status: null, to_status: 'confirmed', actor_id: c.id }]);
    const events = await rows<{ payload: { orderId: string; to: string } }>(
      sql`select payload from outbox where topic = 'order.updated' and payload->>'orderId' = ${res.body.id}`,
    );
    expect(events.map((e) => e.payload.to)).toEqual(['confirmed']);
    // Read back: own order by id and in the list.
    expect((await t.http.get(`/v1/orders/${res.body.id}`, c.token)).body).toEqual(res.body);
    const list = await t.http.get('/v1/orders', c.token);
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([res.body.id]);
  });

  it('charges delivery, checks the radius, and picks the nearest branch able to fill the cart', async () => {
    const far = await createBranch(t, admin, { lat: 30.2, lng: 31.5 });
    const p = await stocked(3, 1000, far.id);
    const c = await customer();
    await fill(c.token, p.id, 3);
    // Delivery near the first branch: it holds none of the product, and the far one does not reach.
    const near = await place(c.token, { fulfilment: 'delivery', paymentMethod: 'cod', address });
    expect(near.status).toBe(409);
    expect(near.body.code).toBe('orders/no-branch-can-fill');
    const outside = await place(c.token, { branchId: far.id, fulfilment: 'delivery', paymentMethod: 'cod', address });
    expect(outside.body.code).toBe('orders/outside-delivery-radius');
    const there = { lat: 30.2, lng: 31.5, line1: 'Next door' };
    const ok = await place(c.token, { fulfilment: 'delivery', paymentMethod: 'cod', address: there });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ branchId: far.id, deliveryFeeMinor: FEE, totalMinor: 3000 + FEE, address: there });
  });

  it('skips any number of nearer branches that hold only part of the cart', async () => {
    const spot = { lat: 29.9 + Math.random() / 10, lng: 32.5 + Math.random() / 10 };
    const [a, b] = [await insertProduct(t, { priceMinor: 1000 }), await insertProduct(t, { priceMinor: 500 })];
    // 25 branches around the point (more than the 20 a branch-by-branch search used to try) hold only one line.
    for (let i = 0; i < 25; i++) {
      const partial = await createBranch(t, admin, { lat: spot.lat + i / 10_000, lng: spot.lng });
      await receive(t, admin, partial.id, { productId: i % 2 ? a.id : b.id, quantity: 5 });
    }
    const full = await createBranch(t, admin, { lat: spot.lat + 0.02, lng: spot.lng });
    for (const p of [a, b]) await receive(t, admin, full.id, { productId: p.id, quantity: 5 });
    const c = await customer();
    await fill(c.token, a.id, 2);
    await fill(c.token, b.id, 1);
    const res = await place(c.token, {
      fulfilment: 'delivery',
      paymentMethod: 'cod',
      address: { ...spot, line1: 'Canal Street 4' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.branchId).toBe(full.id);
  });

  it('picks the nearest branch from the database when the active set is larger than memory holds', async () => {
    // BRANCHES_IN_MEMORY_MAX=0: the branch list is never held in process (a chain past the limit).
    const big = await bootTestApp({ BRANCHES_IN_MEMORY_MAX: '0', DELIVERY_FEE_MINOR: String(FEE) });
    try {
      const spot = { lat: -33.9 + Math.random() / 10, lng: 18.4 + Math.random() / 10 };
      const there = await createBranch(t, admin, spot);
      const p = await stocked(2, 1500, there.id);
      const c = await customer();
      await fill(c.token, p.id, 2);
      const res = await big.http.request('POST', '/v1/orders', {
        token: c.token,
        body: { fulfilment: 'delivery', paymentMethod: 'cod', address: { ...spot, line1: 'Long Street 1' } },
        headers: { 'idempotency-key': `checkout-${randomUUID()}` },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ branchId: there.id, totalMinor: 3000 + FEE });
    } finally {
      await big.close();
    }
  });

  it('refuses card, Rx-only lines, an empty cart, bad bodies and points it cannot spend, leaving the cart as it was', async () => {
    const c = await customer();
    expect((await place(c.token, pickup())).body.code).toBe('orders/empty-cart');
    const p = await stocked(5);
    const rx = await insertProduct(t, { rxRequired: true });
    await receive(t, admin, branch.id, { productId: rx.id, quantity: 5 });
    await fill(c.token, p.id, 1);
    const card = await place(c.token, pickup({ paymentMethod: 'card' }));
    // No card gateway in this app (CARD_GATEWAY=none): payments-gateway e2e pays by card.
    expect([card.status, card.body.code]).toEqual([400, 'payments/card-unavailable']);
    // Within the order's cap, but the customer holds none (loyalty e2e: the cap and the balance).
    const points = await place(c.token, pickup({ pointsToRedeem: 10 }));
    expect([points.status, points.body.code]).toEqual([409, 'loyalty/insufficient-points']);
    for (const body of [
      pickup({ totalMinor: 1 }),
      pickup({ address }),
      { fulfilment: 'delivery', paymentMethod: 'cod' },
      pickup({ paymentMethod: 'cheque' }),
    ]) {
      const res = await place(c.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    await fill(c.token, rx.id, 1);
    const needsRx = await place(c.token, pickup());
    expect([needsRx.status, needsRx.body.code]).toEqual([409, 'orders/prescription-required']);
    expect((await storedCart(t, c.id)).items).toHaveLength(2);
    expect(await ordersOf(c.id)).toEqual([]);
    expect(await reserved(p.id)).toBe(0);
  });

  it('pays by wallet in the same transaction, and a wallet short of the total leaves nothing behind', async () => {
    const c = await customer();
    const p = await stocked(5, 3000);
    await fill(c.token, p.id, 2);
    await creditWallet(t, c.id, 5999);
    const short = await place(c.token, pickup({ paymentMethod: 'wallet' }));
    expect([short.status, short.body.code]).toEqual([409, 'payments/insufficient-funds']);
    expect(await ordersOf(c.id)).toEqual([]);
    expect(await reserved(p.id)).toBe(0);
    expect((await storedCart(t, c.id)).items).toEqual([{ product_id: p.id, quantity: 2 }]);
    await creditWallet(t, c.id, 1);
    const paid = await place(c.token, pickup({ paymentMethod: 'wallet' }));
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body).toMatchObject({ status: 'confirmed', paymentMethod: 'wallet', totalMinor: 6000 });
    expect((await t.http.get('/v1/wallet', c.token)).body.balanceMinor).toBe(0);
    const entries = await rows<{ key: string }>(sql`select key from journal_entries where ref_id = ${paid.body.id}`);
    expect(entries).toEqual([{ key: `order:${paid.body.id}:capture` }]);
  });

  it('answers another customer’s order as missing, and lists only the caller’s own', async () => {
    const a = await customer();
    const b = await customer();
    const p = await stocked(2);
    await fill(a.token, p.id, 1);
    const order = await place(a.token, pickup());
    expect(order.status).toBe(201);
    for (const id of [order.body.id, MISSING]) {
      const res = await t.http.get(`/v1/orders/${id}`, b.token);
      expect([res.status, res.body.code]).toEqual([404, 'orders/not-found']);
    }
    expect((await t.http.get('/v1/orders', b.token)).body.items).toEqual([]);
  });

  it('lets staff list only their branches’ orders', async () => {
    const other = await createBranch(t, admin);
    const staffHere = (await createStaff(t, [{ role: 'pharmacist', branchId: branch.id }])).accessToken;
    const staffThere = (await createStaff(t, [{ role: 'pharmacist', branchId: other.id }])).accessToken;
    const c = await customer();
    const p = await stocked(2);
    await fill(c.token, p.id, 1);
    const order = await place(c.token, pickup());
    const here = await t.http.get(`/v1/admin/orders?branchId=${branch.id}&status=confirmed&limit=100`, staffHere);
    expect(here.body.items.map((o: { id: string }) => o.id)).toContain(order.body.id);
    const there = await t.http.get('/v1/admin/orders?limit=100', staffThere);
    expect(there.body.items.map((o: { id: string }) => o.id)).not.toContain(order.body.id);
    const foreign = await t.http.get(`/v1/admin/orders?branchId=${branch.id}`, staffThere);
    expect([foreign.status, foreign.body.code]).toEqual([403, 'orders/not-your-branch']);
    expect((await t.http.get('/v1/admin/orders', c.token)).status).toBe(403);
  });
});

describe('orders: concurrency', () => {
  it('100 parallel checkouts by distinct customers for the last 10 units: exactly 10 orders, 90 clean 409s', async () => {
    const p = await stocked(10, 1500);
    const ids = await insertCustomers(t, 100);
    const carts = t.app.get(CartService);
    for (const id of ids) await carts.setItem(id, p.id, 1);
    const checkouts = t.app.get(OrderCheckoutService);
    const actor = (id: string) => buildUserActor({ userId: id, sessionId: id, accountType: 'customer', roles: [] });
    const results = await Promise.allSettled(
      ids.map((id) =>
        checkouts.checkout(actor(id), { branchId: branch.id, fulfilment: 'pickup', paymentMethod: 'cod' }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
    expect(won).toHaveLength(10);
    expect(codes).toEqual(Array.from({ length: 90 }, () => 'inventory/insufficient-stock'));
    expect(await reserved(p.id)).toBe(10);
    const placed = await rows<{ n: string }>(
      sql`select count(*) as n from orders o join order_lines l on l.order_id = o.id where l.product_id = ${p.id}`,
    );
    expect(Number(placed[0]?.n)).toBe(10);
    // Completing the ten sells the last units: nothing on hand, nothing held.
    for (const r of won) {
      const id = (r as PromiseFulfilledResult<{ id: string }>).value.id;
      for (const to of ['preparing', 'ready', 'completed']) {
        const res = await t.http.request('POST', `/v1/admin/orders/${id}/transition`, {
          token: admin,
          body: { to },
          headers: { 'idempotency-key': randomUUID() },
        });
        expect(res.body.status).toBe(to);
      }
    }
    const left = await rows<{ on_hand: string; reserved: string }>(
      sql`select coalesce(sum(on_hand), 0) as on_hand, coalesce(sum(reserved), 0) as reserved from stock_lots where product_id = ${p.id}`,
    );
    expect(left.map((l) => [Number(l.on_hand), Number(l.reserved)])).toEqual([[0, 0]]);
  });

  it('one cart checked out 10 times at once under different keys becomes one order', async () => {
    const c = await customer();
    const p = await stocked(50);
    await fill(c.token, p.id, 2);
    const results = await Promise.all(Array.from({ length: 10 }, () => place(c.token, pickup())));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201))
      expect([r.status, r.body.code], JSON.stringify(r.body)).toEqual([409, 'orders/empty-cart']);
    expect(await ordersOf(c.id)).toHaveLength(1);
    expect(await reserved(p.id)).toBe(2);
  });

  it('the same Idempotency-Key replayed 20 times in parallel places one order', async () => {
    const c = await customer();
    const p = await stocked(50);
    await fill(c.token, p.id, 1);
    const key = `checkout-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => place(c.token, pickup(), key)));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id as string)).size).toBe(1);
    for (const r of results) expect([201, 409], JSON.stringify(r.body)).toContain(r.status);
    expect(await ordersOf(c.id)).toHaveLength(1);
    expect(await reserved(p.id)).toBe(1);
    const again = await place(c.token, pickup(), key);
    expect([again.status, again.body.id]).toEqual([201, created[0]!.body.id]);
  });
});

describe('orders: lifecycle', () => {
  const stockOf = (productId: string) => stockOfProduct(t, productId);
  const move = (token: string, id: string, to: string, reason?: string) =>
    t.http.request('POST', `/v1/admin/orders/${id}/transition`, { token, body: { to, reason } });
  const cancel = (token: string, id: string, body: unknown = {}) =>
    t.http.request('POST', `/v1/orders/${id}/cancel`, { token, body });
  const entriesOf = async (orderId: string) =>
    (await rows<{ key: string }>(sql`select key from journal_entries where ref_id = ${orderId} order by key`)).map(
      (r) => r.key,
    );

  async function ordered(paymentMethod: 'cod' | 'wallet', fulfilment: 'pickup' | 'delivery' = 'pickup') {
    const c = await customer();
    const p = await stocked(5, 2000);
    await fill(c.token, p.id, 2);
    if (paymentMethod === 'wallet') await creditWallet(t, c.id, 10_000);
    const body =
      fulfilment === 'pickup' ? pickup({ paymentMethod }) : { branchId: branch.id, fulfilment, paymentMethod, address };
    const res = await place(c.token, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { c, p, order: res.body as { id: string; totalMinor: number } };
  }

  it('a customer cancels a wallet order: stock released, wallet refunded, history and event written', async () => {
    const { c, p, order } = await ordered('wallet');
    expect((await t.http.get('/v1/wallet', c.token)).body.balanceMinor).toBe(6000);
    const res = await cancel(c.token, order.id, { reason: 'changed my mind' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(await stockOf(p.id)).toEqual({ onHand: 5, reserved: 0 });
    expect((await t.http.get('/v1/wallet', c.token)).body.balanceMinor).toBe(10_000);
    expect(await entriesOf(order.id)).toEqual([`order:${order.id}:capture`, `order:${order.id}:refund`]);
    const history = await rows<{ from_status: string | null; to_status: string; reason: string | null }>(
      sql`select from_status, to_status, reason from order_transitions where order_id = ${order.id} order by at, id`,
    );
    expect(history).toEqual([
      { from_status: null, to_status: 'confirmed', reason: null },
      { from_status: 'confirmed', to_status: 'cancelled', reason: 'changed my mind' },
    ]);
    // Cancelled is final: again, or any step, is refused and nothing moves twice.
    expect((await cancel(c.token, order.id)).body.code).toBe('common/illegal-transition');
    expect((await move(admin, order.id, 'preparing')).body.code).toBe('common/illegal-transition');
    expect((await t.http.get('/v1/wallet', c.token)).body.balanceMinor).toBe(10_000);
  });

  it('staff of the branch work a COD pickup to completion: stock sold, cash captured', async () => {
    const { c, p, order } = await ordered('cod');
    const here = (await createStaff(t, [{ role: 'branch_manager', branchId: branch.id }])).accessToken;
    const other = await createBranch(t, admin);
    const there = (await createStaff(t, [{ role: 'branch_manager', branchId: other.id }])).accessToken;
    const foreign = await move(there, order.id, 'preparing');
    expect([foreign.status, foreign.body.code]).toEqual([403, 'orders/not-your-branch']);
    expect((await move(c.token, order.id, 'preparing')).status).toBe(403);
    expect((await move(here, order.id, 'ready')).body.code).toBe('common/illegal-transition');
    expect((await move(here, order.id, 'preparing')).body.status).toBe('preparing');
    // Too late for the customer now.
    expect([(await cancel(c.token, order.id)).status]).toEqual([403]);
    expect((await move(here, order.id, 'ready')).body.status).toBe('ready');
    // A pickup is not sent out.
    expect((await move(here, order.id, 'out_for_delivery')).body.code).toBe('common/illegal-transition');
    expect(await entriesOf(order.id)).toEqual([]);
    const done = await move(here, order.id, 'completed');
    expect(done.body.status, JSON.stringify(done.body)).toBe('completed');
    expect(await stockOf(p.id)).toEqual({ onHand: 3, reserved: 0 });
    // Cash collected, and the customer's points for the goods (loyalty e2e).
    expect(await entriesOf(order.id)).toEqual([`order:${order.id}:capture`, `order:${order.id}:points:earn`]);
    const cash = await rows<{ kind: string; amount: string }>(
      sql`select a.kind, p.amount_minor as amount from journal_entries e join postings p on p.entry_id = e.id
          join ledger_accounts a on a.id = p.account_id where e.key = ${`order:${order.id}:capture`} order by a.kind`,
    );
    expect(cash.map((r) => [r.kind, Number(r.amount)])).toEqual([
      ['cash_clearing', order.totalMinor],
      ['revenue', -order.totalMinor],
    ]);
    const events = await rows<{ to: string }>(
      sql`select payload->>'to' as to from outbox where topic = 'order.updated' and payload->>'orderId' = ${order.id} order by created_at, id`,
    );
    expect(events.map((e) => e.to)).toEqual(['confirmed', 'preparing', 'ready', 'completed']);
  });

  it('a delivery goes out before it is completed; staff may cancel it on the way and the stock comes back', async () => {
    const { p, order } = await ordered('cod', 'delivery');
    for (const to of ['preparing', 'ready']) expect((await move(admin, order.id, to)).body.status).toBe(to);
    expect((await move(admin, order.id, 'completed')).body.code).toBe('common/illegal-transition');
    expect((await move(admin, order.id, 'out_for_delivery')).body.status).toBe('out_for_delivery');
    const res = await move(admin, order.id, 'cancelled', 'customer not at home');
    expect(res.body.status).toBe('cancelled');
    expect(await stockOf(p.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await entriesOf(order.id)).toEqual([]);
  });

  it('another customer cannot cancel the order: 404 like a missing one, nothing changes', async () => {
    const { order } = await ordered('cod');
    const b = await customer();
    const res = await cancel(b.token, order.id);
    expect([res.status, res.body.code]).toEqual([404, 'orders/not-found']);
    expect((await cancel(b.token, MISSING)).body.code).toBe('orders/not-found');
    const [row] = await rows<{ status: string }>(sql`select status from orders where id = ${order.id}`);
    expect(row?.status).toBe('confirmed');
  });

  it('two parallel cancellations of one wallet order refund it once', async () => {
    const { c, order } = await ordered('wallet');
    const results = await Promise.all([cancel(c.token, order.id), cancel(c.token, order.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await t.http.get('/v1/wallet', c.token)).body.balanceMinor).toBe(10_000);
  });
});
