import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { stockOf as stockOfProduct, walletBalance } from '../support/stock-and-money.js';
import { invariantViolations } from '../support/invariants.js';
import { quietAutomaticOffers } from '../factories/cart.factory.js';
import { createBranch, receive, type BranchBody } from '../factories/inventory.factory.js';
import { insertProduct } from '../factories/offers.factory.js';
import { creditWallet } from '../factories/payments.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

let t: TestApp;
let admin: string;
let branch: BranchBody;
let manager: { token: string; id: string };
beforeAll(async () => {
  t = await bootTestApp({ DATABASE_POOL_MAX: '12' });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  branch = await createBranch(t, admin);
  const m = await createStaff(t, [{ role: 'branch_manager', branchId: branch.id }]);
  manager = { token: m.accessToken, id: m.user.id };
  await quietAutomaticOffers(t);
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
});

const rows = async <T>(q: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;
const post = (token: string, url: string, body: unknown, key: string = randomUUID()) =>
  t.http.request('POST', url, { token, body, headers: { 'idempotency-key': key } });
const refund = (token: string, id: string, body: unknown, key?: string) =>
  post(token, `/v1/admin/orders/${id}/refunds`, body, key);
const balance = (token: string) => walletBalance(t, token);
const stockOf = (productId: string) => stockOfProduct(t, productId);
const quarantined = async (productId: string) =>
  Number(
    (
      await rows<{ q: string }>(
        sql`select coalesce(sum(quantity), 0) as q from stock_quarantine where product_id = ${productId}`,
      )
    )[0]!.q,
  );

/** A completed pickup order: 3 × 1000 of one product and 1 × 2500 of another, paid by `method`. */
async function completed(method: 'wallet' | 'cod' = 'wallet') {
  const u = await registerUser(t);
  const c = { token: u.accessToken, id: u.user.id };
  const a = await insertProduct(t, { priceMinor: 1000 });
  const b = await insertProduct(t, { priceMinor: 2500 });
  for (const p of [a, b]) await receive(t, admin, branch.id, { productId: p.id, quantity: 10 });
  await t.http.request('PUT', `/v1/cart/items/${a.id}`, { token: c.token, body: { quantity: 3 } });
  await t.http.request('PUT', `/v1/cart/items/${b.id}`, { token: c.token, body: { quantity: 1 } });
  if (method === 'wallet') await creditWallet(t, c.id, 10_000);
  const placed = await post(c.token, '/v1/orders', {
    branchId: branch.id,
    fulfilment: 'pickup',
    paymentMethod: method,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const id = placed.body.id as string;
  for (const to of ['preparing', 'ready', 'completed'])
    expect((await post(manager.token, `/v1/admin/orders/${id}/transition`, { to })).body.status).toBe(to);
  return { c, a, b, id, totalMinor: placed.body.totalMinor as number };
}

describe('staff refunds', () => {
  it('gives part back for goods handed back, then the rest: quarantined, never on sale again', async () => {
    const { c, a, b, id } = await completed('wallet');
    expect(await balance(c.token)).toBe(4500);
    const first = await refund(manager.token, id, {
      lines: [{ lineNo: 1, quantity: 2 }],
      reason: 'wrong strength',
      to: 'wallet',
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      orderId: id,
      amountMinor: 2000,
      to: 'wallet',
      lines: [{ lineNo: 1, quantity: 2, amountMinor: 2000 }],
      order: { status: 'partially_refunded', refundedMinor: 2000 },
    });
    expect(await balance(c.token)).toBe(6500);
    // Sold units stay sold: nothing returns to on hand, two units sit in quarantine.
    expect(await stockOf(a.id)).toEqual({ onHand: 7, reserved: 0 });
    expect(await quarantined(a.id)).toBe(2);
    const movement = await rows<{ type: string; on_hand_delta: number }>(
      sql`select type, on_hand_delta from stock_movements where product_id = ${a.id} and type = 'returned'`,
    );
    expect(movement).toEqual([{ type: 'returned', on_hand_delta: 0 }]);

    const rest = await refund(manager.token, id, {
      lines: [
        { lineNo: 1, quantity: 1 },
        { lineNo: 2, quantity: 1 },
      ],
      reason: 'customer returned the rest',
      to: 'original',
    });
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    expect(rest.body.amountMinor).toBe(3500);
    expect(rest.body.order).toMatchObject({ status: 'refunded', refundedMinor: 5500 });
    expect(await balance(c.token)).toBe(10_000);
    expect(await quarantined(b.id)).toBe(1);
    // Each refund reaches the outbox (the first moved the status, the second finished it).
    const events = await rows<{ amount: string }>(
      sql`select payload->>'amountMinor' as amount from outbox where topic = 'order.refunded' and payload->>'orderId' = ${id} order by created_at, id`,
    );
    expect(events.map((e) => Number(e.amount))).toEqual([2000, 3500]);
    const mine = await t.http.get(`/v1/orders/${id}/refunds`, c.token);
    expect(mine.body.items.map((r: { amountMinor: number }) => r.amountMinor)).toEqual([2000, 3500]);
    const done = await refund(manager.token, id, { amountMinor: 1, reason: 'more', to: 'wallet' });
    expect([done.status, done.body.code]).toEqual([409, 'orders/not-refundable']);
    const audit = await rows<{ action: string; actor_id: string }>(
      sql`select action, actor_id from audit_log where subject_id = ${id} and action = 'order.refund'`,
    );
    expect(audit).toEqual([
      { action: 'order.refund', actor_id: manager.id },
      { action: 'order.refund', actor_id: manager.id },
    ]);
  });

  it('never gives back more than was paid, nor more units than are left; bad input changes nothing', async () => {
    const { c, id, totalMinor } = await completed('wallet');
    const before = await balance(c.token);
    const tooMuch = await refund(manager.token, id, { amountMinor: totalMinor + 1, reason: 'x', to: 'wallet' });
    expect([tooMuch.status, tooMuch.body.code]).toEqual([409, 'orders/refund-exceeds-captured']);
    const units = await refund(manager.token, id, { lines: [{ lineNo: 1, quantity: 4 }], reason: 'x', to: 'wallet' });
    expect([units.status, units.body.code]).toEqual([409, 'orders/refund-exceeds-quantity']);
    for (const body of [
      { reason: 'nothing named', to: 'wallet' },
      { lines: [{ lineNo: 9, quantity: 1 }], reason: 'x', to: 'wallet' },
      {
        lines: [
          { lineNo: 1, quantity: 1 },
          { lineNo: 1, quantity: 1 },
        ],
        reason: 'x',
        to: 'wallet',
      },
      { amountMinor: 100, reason: 'x', to: 'bank' },
      { amountMinor: 100, reason: '', to: 'wallet' },
      { amountMinor: 0, reason: 'x', to: 'wallet' },
      { amountMinor: 100, reason: 'x', to: 'wallet', priceMinor: 1 },
    ]) {
      const res = await refund(manager.token, id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await balance(c.token)).toBe(before);
    expect((await t.http.get(`/v1/orders/${id}`, c.token)).body).toMatchObject({
      status: 'completed',
      refundedMinor: 0,
    });
  });

  it('refunds an open order never (it is cancelled instead), their own order never, and needs the permission', async () => {
    const u = await registerUser(t);
    const p = await insertProduct(t, { priceMinor: 1000 });
    await receive(t, admin, branch.id, { productId: p.id, quantity: 2 });
    await t.http.request('PUT', `/v1/cart/items/${p.id}`, { token: u.accessToken, body: { quantity: 1 } });
    const open = await post(u.accessToken, '/v1/orders', {
      branchId: branch.id,
      fulfilment: 'pickup',
      paymentMethod: 'cod',
    });
    const res = await refund(manager.token, open.body.id, { amountMinor: 100, reason: 'x', to: 'wallet' });
    expect([res.status, res.body.code]).toEqual([409, 'orders/not-refundable']);
    const pharmacist = (await createStaff(t, [{ role: 'pharmacist', branchId: branch.id }])).accessToken;
    const { id } = await completed('cod');
    expect((await refund(pharmacist, id, { amountMinor: 100, reason: 'x', to: 'wallet' })).status).toBe(403);
    expect((await refund(u.accessToken, id, { amountMinor: 100, reason: 'x', to: 'wallet' })).status).toBe(403);
    expect((await refund(manager.token, randomUUID(), { amountMinor: 100, reason: 'x', to: 'wallet' })).status).toBe(
      404,
    );

    await t.http.request('PUT', `/v1/cart/items/${p.id}`, { token: manager.token, body: { quantity: 1 } });
    const own = await post(manager.token, '/v1/orders', {
      branchId: branch.id,
      fulfilment: 'pickup',
      paymentMethod: 'cod',
    });
    for (const to of ['preparing', 'ready', 'completed'])
      await post(admin, `/v1/admin/orders/${own.body.id}/transition`, { to });
    const self = await refund(manager.token, own.body.id, { amountMinor: 100, reason: 'x', to: 'wallet' });
    expect([self.status, self.body.code]).toEqual([403, 'orders/self-refund']);
  });

  it('moves an order to refunded only by a refund, never by a bare staff transition', async () => {
    // Attack: the transitions table lets orders:refund holders take completed -> refunded, and
    // POST .../transition took it with no money, no refund row and no stock back; the order then looked
    // refunded and the refunds route refused it (not refundable) for good.
    const { c, id } = await completed('wallet');
    const before = await balance(c.token);
    for (const to of ['refunded', 'partially_refunded']) {
      const res = await post(manager.token, `/v1/admin/orders/${id}/transition`, { to });
      expect([res.status, res.body.code], to).toEqual([409, 'orders/refund-through-refunds']);
    }
    expect((await t.http.get(`/v1/orders/${id}`, c.token)).body).toMatchObject({
      status: 'completed',
      refundedMinor: 0,
    });
    expect(await balance(c.token)).toBe(before);
    const res = await refund(manager.token, id, { amountMinor: 500, reason: 'still refundable', to: 'wallet' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('gives cash back at the counter for a cash order refunded to the original method', async () => {
    const { c, id } = await completed('cod');
    const res = await refund(manager.token, id, { amountMinor: 500, reason: 'damaged box', to: 'original' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await balance(c.token)).toBe(0);
    const lines = await rows<{ kind: string; amount_minor: string }>(
      sql`select a.kind, p.amount_minor from journal_entries e join postings p on p.entry_id = e.id join ledger_accounts a on a.id = p.account_id where e.key = ${`order:${id}:refund:${res.body.id}`} order by a.kind`,
    );
    expect(lines.map((l) => [l.kind, Number(l.amount_minor)])).toEqual([
      ['cash_clearing', -500],
      ['refunds', 500],
    ]);
  });

  it('parallel refunds add up to at most what was paid, and a replayed key refunds once', async () => {
    const { c, id, totalMinor } = await completed('wallet');
    const part = Math.floor(totalMinor * 0.3);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => refund(manager.token, id, { amountMinor: part, reason: 'race', to: 'wallet' })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'orders/refund-exceeds-captured')).toBe(
      true,
    );
    expect(await balance(c.token)).toBe(4500 + 3 * part);
    const key = randomUUID();
    const replays = await Promise.all(
      Array.from({ length: 5 }, () =>
        refund(manager.token, id, { amountMinor: 10, reason: 'replay', to: 'wallet' }, key),
      ),
    );
    const ids = new Set(replays.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const count = await rows<{ n: string }>(sql`select count(*) as n from order_refunds where order_id = ${id}`);
    expect(Number(count[0]!.n)).toBe(4);
  });

  it('shows a customer the refunds of their own order only', async () => {
    const { id } = await completed('wallet');
    await refund(manager.token, id, { amountMinor: 300, reason: 'late', to: 'wallet' });
    const other = await registerUser(t);
    const res = await t.http.get(`/v1/orders/${id}/refunds`, other.accessToken);
    expect([res.status, res.body.code]).toEqual([404, 'orders/not-found']);
  });
});
