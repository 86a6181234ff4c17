import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/kernel/auth/index.js';
import { JobQueue } from '../../src/kernel/queue/index.js';
import { LoyaltyService } from '../../src/modules/loyalty/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { quietAutomaticOffers, storedCart } from '../factories/cart.factory.js';
import { createBranch, receive, type BranchBody } from '../factories/inventory.factory.js';
import { earnPoints } from '../factories/loyalty.factory.js';
import { insertProduct } from '../factories/offers.factory.js';
import { creditWallet } from '../factories/payments.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

/** A point is worth 10 minor units here (not 1), 1 point per 100 minor units paid, half the goods at most. */
const VALUE = 10;
let t: TestApp;
let admin: string;
let branch: BranchBody;
beforeAll(async () => {
  t = await bootTestApp({
    LOYALTY_POINT_VALUE_MINOR: String(VALUE),
    LOYALTY_EARN_POINTS: '1',
    LOYALTY_EARN_PER_MINOR: '100',
    LOYALTY_CAP_PERCENT: '50',
    LOYALTY_CAP_POINTS: '0',
    LOYALTY_EXPIRY_DAYS: '365',
    DATABASE_POOL_MAX: '12',
  });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  // A point no other spec uses (the shared database holds thousands of branches at the factories' default).
  branch = await createBranch(t, admin, { lat: -40 - Math.random() * 5, lng: -70 - Math.random() * 5 });
  await quietAutomaticOffers(t);
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
});

const rows = async <T>(q: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;
async function customer() {
  const u = await registerUser(t);
  return { token: u.accessToken, id: u.user.id };
}
async function stocked(priceMinor: number, opts: { quantity?: number; rxRequired?: boolean } = {}) {
  const p = await insertProduct(t, { priceMinor, rxRequired: opts.rxRequired ?? false });
  await receive(t, admin, branch.id, { productId: p.id, quantity: opts.quantity ?? 20 });
  return p;
}
const fill = (token: string, productId: string, quantity: number) =>
  t.http.request('PUT', `/v1/cart/items/${productId}`, { token, body: { quantity } });
const place = (token: string, extra: Record<string, unknown> = {}) =>
  t.http.request('POST', '/v1/orders', {
    token,
    body: { branchId: branch.id, fulfilment: 'pickup', paymentMethod: 'cod', ...extra },
    headers: { 'idempotency-key': `loyalty-${randomUUID()}` },
  });
const move = (id: string, to: string) =>
  t.http.request('POST', `/v1/admin/orders/${id}/transition`, {
    token: admin,
    body: { to },
    headers: { 'idempotency-key': randomUUID() },
  });
const loyalty = (token: string, query = '') => t.http.get(`/v1/loyalty${query}`, token);
const iso = (at: string) => new Date(at).toISOString();
const lotsOf = (customerId: string) =>
  rows<{ id: string; source: string; points: number; remaining: number; expires_at: string }>(
    sql`select id, source, points, remaining, expires_at from loyalty_lots where customer_id = ${customerId} order by expires_at, id`,
  );

describe('loyalty: earning', () => {
  it('earns points when an order completes, on what was paid for the goods', async () => {
    const c = await customer();
    const p = await stocked(2550);
    await fill(c.token, p.id, 2);
    const order = await place(c.token);
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    // Nothing until the order completes.
    expect((await loyalty(c.token)).body).toMatchObject({ balance: 0, nextExpiry: null, history: { items: [] } });
    for (const to of ['preparing', 'ready', 'completed']) expect((await move(order.body.id, to)).body.status).toBe(to);
    const mine = await loyalty(c.token);
    expect(mine.status).toBe(200);
    // 5100 minor units → 51 points.
    expect(mine.body).toMatchObject({
      balance: 51,
      pointValueMinor: VALUE,
      nextExpiry: { points: 51 },
      history: { items: [{ kind: 'loyalty.earn', points: 51, orderId: order.body.id }], nextCursor: null },
    });
    const days = (Date.parse(mine.body.nextExpiry.at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364.9);
    expect(days).toBeLessThan(365.1);
  });

  it('earns none on Rx-only lines (pharmacy law), and a completion posts its points once', async () => {
    const c = await customer();
    const svc = t.app.get(LoyaltyService);
    const orderId = randomUUID();
    const rx = { unitPriceMinor: 90_000, quantity: 1, discountMinor: 0, rxRequired: true };
    const otc = { unitPriceMinor: 1000, quantity: 3, discountMinor: 500, rxRequired: false };
    const input = { orderId, customerId: c.id, lines: [rx, otc], spentValueMinor: 0 };
    expect(await svc.earnForOrder({ ...input, lines: [rx] }, SYSTEM_ACTOR)).toBe(0);
    expect((await loyalty(c.token)).body.balance).toBe(0);
    // Only the OTC line's 2500 counts; the same order again posts nothing more.
    expect(await svc.earnForOrder(input, SYSTEM_ACTOR)).toBe(25);
    expect(await svc.earnForOrder(input, SYSTEM_ACTOR)).toBe(25);
    expect((await loyalty(c.token)).body.balance).toBe(25);
    expect(await lotsOf(c.id)).toHaveLength(1);
  });
});

describe('loyalty: spending at checkout', () => {
  it('shows the cap and balance on the cart, refuses beyond either with nothing changed, and spends within', async () => {
    const c = await customer();
    await earnPoints(t, c.id, 100);
    await creditWallet(t, c.id, 10_000);
    const p = await stocked(1000);
    await fill(c.token, p.id, 1);
    // Half of 1000 in points of 10: 50.
    expect((await t.http.get(`/v1/cart?branchId=${branch.id}&fulfilment=pickup`, c.token)).body).toMatchObject({
      pointsBalance: 100,
      pointsCap: 50,
      pointsRedeemable: 50,
      pointsRedeemableMinor: 500,
      totalMinor: 1000,
    });
    const over = await place(c.token, { pointsToRedeem: 51, paymentMethod: 'wallet' });
    expect([over.status, over.body.code]).toEqual([400, 'orders/points-unavailable']);
    expect(over.body.errors).toEqual([expect.objectContaining({ field: 'pointsToRedeem', code: 'too_big' })]);
    expect((await loyalty(c.token)).body.balance).toBe(100);
    expect((await storedCart(t, c.id)).items).toHaveLength(1);

    const paid = await place(c.token, { pointsToRedeem: 50, paymentMethod: 'wallet' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body).toMatchObject({ pointsRedeemed: 50, pointsValueMinor: 500, totalMinor: 500 });
    expect((await t.http.get('/v1/wallet', c.token)).body.balanceMinor).toBe(9500);
    const after = (await loyalty(c.token)).body;
    expect(after.balance).toBe(50);
    expect(after.history.items[0]).toMatchObject({ kind: 'loyalty.redeem', points: -50, orderId: paid.body.id });
  });

  it('refuses more points than the customer holds (409), leaving cart, stock and orders as they were', async () => {
    const c = await customer();
    await earnPoints(t, c.id, 30);
    const p = await stocked(10_000, { quantity: 3 });
    await fill(c.token, p.id, 1);
    const res = await place(c.token, { pointsToRedeem: 40 });
    expect([res.status, res.body.code]).toEqual([409, 'loyalty/insufficient-points']);
    expect((await loyalty(c.token)).body.balance).toBe(30);
    expect(await rows(sql`select id from orders where customer_id = ${c.id}`)).toEqual([]);
    expect((await storedCart(t, c.id)).items).toHaveLength(1);
    const held = await rows<{ r: string }>(
      sql`select coalesce(sum(reserved), 0) as r from stock_lots where product_id = ${p.id}`,
    );
    expect(Number(held[0]?.r)).toBe(0);
  });

  it('spends the soonest-expiring points first, and a cancellation gives them back with their expiry', async () => {
    const c = await customer();
    await earnPoints(t, c.id, 30);
    await earnPoints(t, c.id, 50);
    const [older, newer] = await lotsOf(c.id);
    const p = await stocked(10_000);
    await fill(c.token, p.id, 1);
    const order = await place(c.token, { pointsToRedeem: 40 });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect((await lotsOf(c.id)).map((l) => [l.id, l.remaining])).toEqual([
      [older!.id, 0],
      [newer!.id, 40],
    ]);
    const cancelled = await t.http.request('POST', `/v1/orders/${order.body.id}/cancel`, { token: c.token, body: {} });
    expect(cancelled.body.status, JSON.stringify(cancelled.body)).toBe('cancelled');
    expect((await loyalty(c.token)).body.balance).toBe(80);
    const back = (await lotsOf(c.id)).filter((l) => l.source === 'return');
    expect(back.map((l) => [l.points, iso(l.expires_at)]).sort()).toEqual(
      [
        [30, iso(older!.expires_at)],
        [10, iso(newer!.expires_at)],
      ].sort(),
    );
    expect((await loyalty(c.token)).body.history.items[0]).toMatchObject({
      kind: 'loyalty.return',
      points: 40,
      orderId: order.body.id,
    });
  });

  it('of parallel redemptions of the same points only those that fit succeed (the lots’ locks and the ledger)', async () => {
    const c = await customer();
    await earnPoints(t, c.id, 60);
    const svc = t.app.get(LoyaltyService);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        svc.redeem({ orderId: randomUUID(), customerId: c.id, points: 50 }, SYSTEM_ACTOR),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
    expect(codes).toEqual(Array.from({ length: 9 }, () => 'loyalty/insufficient-points'));
    expect((await loyalty(c.token)).body.balance).toBe(10);
  });

  it('two parallel checkouts spending the same points: one order', async () => {
    const c = await customer();
    await earnPoints(t, c.id, 50);
    const p = await stocked(10_000);
    await fill(c.token, p.id, 1);
    const [a, b] = await Promise.all([place(c.token, { pointsToRedeem: 50 }), place(c.token, { pointsToRedeem: 50 })]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 409]);
    const lost = a.status === 409 ? a : b;
    expect(['loyalty/insufficient-points', 'orders/empty-cart']).toContain(lost.body.code);
    expect((await loyalty(c.token)).body.balance).toBe(0);
    expect(await rows(sql`select id from orders where customer_id = ${c.id}`)).toHaveLength(1);
  });
});

describe('loyalty: expiry', () => {
  it('the expiry job takes what is left of a lot past its expiry, once, oldest first; the rest stays', async () => {
    const c = await customer();
    await earnPoints(t, c.id, 30);
    await earnPoints(t, c.id, 20);
    const [older, newer] = await lotsOf(c.id);
    // Partly spent, then past its expiry: only the 10 left of it expire.
    await t.app.get(LoyaltyService).redeem({ orderId: randomUUID(), customerId: c.id, points: 20 }, SYSTEM_ACTOR);
    await t.database.db.execute(
      sql`update loyalty_lots set expires_at = now() - interval '1 minute' where id = ${older!.id}`,
    );
    // Past expiry, not yet taken: it cannot be spent, and it is not in the balance shown.
    expect((await loyalty(c.token)).body).toMatchObject({ balance: 20, nextExpiry: { points: 20 } });
    const queue = t.app.get(JobQueue);
    for (let run = 0; run < 2; run++) {
      await queue.enqueue('loyalty.expire', {});
      await queue.drain();
    }
    expect((await lotsOf(c.id)).map((l) => [l.id, l.remaining])).toEqual([
      [older!.id, 0],
      [newer!.id, 20],
    ]);
    const expired = await rows<{ key: string; amount: string }>(
      sql`select e.key, p.amount_minor as amount from journal_entries e join postings p on p.entry_id = e.id
          join ledger_accounts a on a.id = p.account_id
          where e.kind = 'loyalty.expire' and a.code = ${`points_wallet:${c.id}`}`,
    );
    expect(expired).toEqual([{ key: `loyalty:lot:${older!.id}:expire`, amount: '10' }]);
    const mine = (await loyalty(c.token)).body;
    expect(mine.balance).toBe(20);
    expect(mine.history.items[0]).toMatchObject({ kind: 'loyalty.expire', points: -10, orderId: null });
    expect(await t.app.get(LoyaltyService).expireDue()).toBe(0);
  });
});

describe('loyalty: reversal on refund', () => {
  it('takes back the refunded share of earned points (never below zero) and gives back the share spent', async () => {
    const c = await customer();
    const svc = t.app.get(LoyaltyService);
    const orderId = await earnPoints(t, c.id, 40);
    // Spent 30 of the 40 on a later order, then half of the first order refunded: 20 taken back from what is left.
    await svc.redeem({ orderId: randomUUID(), customerId: c.id, points: 30 }, SYSTEM_ACTOR);
    const half = { orderId, customerId: c.id, refundedTotalMinor: 2000, orderTotalMinor: 4000 };
    expect(await svc.reverseForRefund({ ...half, refundId: randomUUID() }, SYSTEM_ACTOR)).toEqual({
      earnedTakenBack: 10,
      spentGivenBack: 0,
    });
    expect((await loyalty(c.token)).body.balance).toBe(0);
    // An order that spent points: a full refund gives all of them back; the same refund again moves nothing.
    await earnPoints(t, c.id, 50);
    const spender = randomUUID();
    await svc.redeem({ orderId: spender, customerId: c.id, points: 50 }, SYSTEM_ACTOR);
    const full = {
      orderId: spender,
      customerId: c.id,
      refundId: randomUUID(),
      refundedTotalMinor: 500,
      orderTotalMinor: 500,
    };
    expect(await svc.reverseForRefund(full, SYSTEM_ACTOR)).toEqual({ earnedTakenBack: 0, spentGivenBack: 50 });
    expect(await svc.reverseForRefund(full, SYSTEM_ACTOR)).toEqual({ earnedTakenBack: 0, spentGivenBack: 0 });
    expect((await loyalty(c.token)).body.balance).toBe(50);
  });

  it('gives back for goods handed back only the money paid for them, not the part points paid', async () => {
    // Attack: half the goods of an order paid half with points came back, and the refund priced them at their
    // full line value: all the money and all the points came back, and the customer kept the other half free.
    const c = await customer();
    await earnPoints(t, c.id, 100);
    await creditWallet(t, c.id, 10_000);
    const p = await stocked(500);
    await fill(c.token, p.id, 2);
    const order = await place(c.token, { pointsToRedeem: 50, paymentMethod: 'wallet' });
    expect(order.body).toMatchObject({ subtotalMinor: 1000, pointsValueMinor: 500, totalMinor: 500 });
    for (const to of ['preparing', 'ready', 'completed']) expect((await move(order.body.id, to)).body.status).toBe(to);
    const res = await t.http.request('POST', `/v1/admin/orders/${order.body.id}/refunds`, {
      token: admin,
      body: { lines: [{ lineNo: 1, quantity: 1 }], reason: 'one box back', to: 'wallet' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      amountMinor: 250,
      lines: [{ lineNo: 1, quantity: 1, amountMinor: 250 }],
      order: { status: 'partially_refunded', refundedMinor: 250 },
    });
    expect((await t.http.get('/v1/wallet', c.token)).body.balanceMinor).toBe(9750);
    // The other box back: the rest of the money, and every point spent is back.
    const rest = await t.http.request('POST', `/v1/admin/orders/${order.body.id}/refunds`, {
      token: admin,
      body: { lines: [{ lineNo: 1, quantity: 1 }], reason: 'the other box', to: 'wallet' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    expect(rest.body).toMatchObject({ amountMinor: 250, order: { status: 'refunded', refundedMinor: 500 } });
    expect((await t.http.get('/v1/wallet', c.token)).body.balanceMinor).toBe(10_000);
    expect((await loyalty(c.token)).body.balance).toBe(100);
  });
});

describe('GET /v1/loyalty', () => {
  it('pages the history newest first with a cursor, every movement once, and refuses a bad cursor', async () => {
    const c = await customer();
    const orders: string[] = [];
    for (const points of [5, 6, 7, 8, 9]) orders.push(await earnPoints(t, c.id, points));
    const seen: { points: number; orderId: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await loyalty(c.token, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.balance).toBe(35);
      seen.push(...res.body.history.items);
      cursor = res.body.history.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((e) => e.points)).toEqual([9, 8, 7, 6, 5]);
    expect(seen.map((e) => e.orderId)).toEqual([...orders].reverse());
    for (const bad of ['?cursor=not-a-cursor', `?cursor=${Buffer.from(JSON.stringify(['x'])).toString('base64url')}`]) {
      const res = await loyalty(c.token, bad);
      expect([res.status, res.body.code]).toEqual([400, 'common/invalid-cursor']);
    }
    expect((await loyalty(c.token, '?limit=0')).status).toBe(400);
    expect((await t.http.get('/v1/loyalty')).status).toBe(401);
  });

  it('shows another customer only their own points, even with a borrowed cursor', async () => {
    const a = await customer();
    const b = await customer();
    const orderId = await earnPoints(t, a.id, 12);
    await earnPoints(t, a.id, 13);
    const first = await loyalty(a.token, '?limit=1');
    expect(first.body.history.nextCursor).toBeTruthy();
    for (const query of ['', `?limit=1&cursor=${first.body.history.nextCursor}`]) {
      const theirs = await loyalty(b.token, query);
      expect(theirs.status).toBe(200);
      expect(theirs.body).toMatchObject({ balance: 0, nextExpiry: null, history: { items: [], nextCursor: null } });
      expect(JSON.stringify(theirs.body)).not.toContain(orderId);
    }
  });
});
