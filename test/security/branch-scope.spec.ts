import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createCategory, createProduct } from '../factories/catalog.factory.js';
import { createBranch, receive } from '../factories/inventory.factory.js';
import { insertProduct } from '../factories/offers.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { uploadPrescription } from './resources.js';
import { documentedOperations, urlOf, type DocOperation } from './openapi-operations.js';

/**
 * Branch-scoped data, tried by staff of another branch: every documented route under
 * /v1/admin/branches/{id}/stock answers 403 `inventory/not-your-branch` (issue 3: "other branch's stock →
 * 403"), changes nothing, and leaves an access.denied row; the same staff act freely at their own branch.
 */
let t: TestApp;
let ops: DocOperation[];
beforeAll(async () => {
  t = await bootTestApp();
  ops = (await documentedOperations(t)).filter((o) => o.path.startsWith('/v1/admin/branches/{id}/stock'));
});
afterAll(async () => {
  await t.close();
});

const lotsAt = async (branchId: string) =>
  (
    (await t.database.db.execute(
      sql`select id, on_hand, reserved from stock_lots where branch_id = ${branchId} order by id`,
    )) as unknown as { rows: unknown[] }
  ).rows;

describe('branch-scoped staff at another branch', () => {
  it('covers every stock route of a branch', () => {
    expect(ops.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'GET /v1/admin/branches/{id}/stock',
      'GET /v1/admin/branches/{id}/stock/expiring',
      'POST /v1/admin/branches/{id}/stock/adjust',
      'POST /v1/admin/branches/{id}/stock/receive',
      'POST /v1/admin/branches/{id}/stock/transfer',
      'POST /v1/admin/branches/{id}/stock/write-off',
    ]);
  });

  it('is refused with 403, changes nothing and is audited; at its own branch it is served', async () => {
    const admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
    const category = await createCategory(t, admin.accessToken);
    const product = await createProduct(t, admin.accessToken, category.id);
    const [a, b] = [await createBranch(t, admin.accessToken), await createBranch(t, admin.accessToken)];
    const lot = await receive(t, admin.accessToken, a.id, { productId: product.id, quantity: 10 });
    await receive(t, admin.accessToken, b.id, {
      productId: product.id,
      quantity: 10,
      lotNumber: lot.lotNumber,
      expiresOn: lot.expiresOn,
    });
    const manager = await createStaff(t, [{ role: 'branch_manager', branchId: b.id }]);
    const bodies: Record<string, unknown> = {
      receive: { productId: product.id, lotNumber: 'LOT-X1', expiresOn: lot.expiresOn, quantity: 1 },
      adjust: { productId: product.id, lotNumber: lot.lotNumber, delta: -1, reason: 'damaged' },
      transfer: { toBranchId: a.id, productId: product.id, lotNumber: lot.lotNumber, quantity: 1 },
      'write-off': {},
    };
    const bodyFor = (op: DocOperation) => (op.method === 'GET' ? undefined : bodies[op.path.split('/').pop()!]);

    const before = await lotsAt(a.id);
    for (const op of ops) {
      const where = `${op.method} ${op.path}`;
      const theirs = await t.http.request(op.method, urlOf(op, { id: a.id }), {
        body: bodyFor(op),
        token: manager.accessToken,
      });
      expect(theirs.status, where).toBe(403);
      expect(theirs.body.code, where).toBe('inventory/not-your-branch');
      const audit = (await t.database.db.execute(
        sql`select actor_id, outcome from audit_log where action = 'access.denied' and request_id = ${String(theirs.headers['x-request-id'])}`,
      )) as unknown as { rows: unknown[] };
      expect(audit.rows, where).toEqual([{ actor_id: manager.user.id, outcome: 'denied' }]);
    }
    expect(await lotsAt(a.id)).toEqual(before);

    for (const op of ops) {
      const mine = await t.http.request(op.method, urlOf(op, { id: b.id }), {
        body: bodyFor(op),
        token: manager.accessToken,
      });
      expect(mine.status, `${op.method} ${op.path} at own branch`).toBeLessThan(300);
    }
  });
});

/**
 * An order belongs to its branch: every documented staff route under /v1/admin/orders/{id} answers staff of
 * another branch 403 `orders/not-your-branch`, changes nothing and leaves an access.denied row; the same routes
 * serve staff of the order's own branch.
 */
describe('orders of another branch', () => {
  it('covers every staff route of an order', async () => {
    const orderOps = (await documentedOperations(t)).filter((o) => o.path.startsWith('/v1/admin/orders/{id}'));
    expect(orderOps.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'GET /v1/admin/orders/{id}',
      'POST /v1/admin/orders/{id}/refunds',
      'POST /v1/admin/orders/{id}/transition',
      'POST /v1/admin/orders/{id}/verify',
    ]);
  });

  it('is refused with 403, changes nothing and is audited; at its own branch it is served', async () => {
    const admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
    const [a, b] = [await createBranch(t, admin.accessToken), await createBranch(t, admin.accessToken)];
    const rx = await insertProduct(t, { priceMinor: 1500, rxRequired: true });
    await receive(t, admin.accessToken, a.id, { productId: rx.id, quantity: 3 });
    const buyer = await registerUser(t);
    await t.http.request('PUT', `/v1/cart/items/${rx.id}`, { token: buyer.accessToken, body: { quantity: 1 } });
    const upload = await uploadPrescription(t, buyer.accessToken);
    const placed = await t.http.request('POST', '/v1/orders', {
      token: buyer.accessToken,
      body: { branchId: a.id, fulfilment: 'pickup', paymentMethod: 'cod', prescriptionIds: [upload] },
      headers: { 'idempotency-key': `bs-${upload}` },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const orderId = placed.body.id as string;
    const bodies: Record<string, unknown> = {
      transition: { to: 'cancelled', reason: 'not mine to cancel' },
      verify: { lines: [{ lineNo: 1, approved: true }] },
      refunds: { amountMinor: 100, reason: 'goodwill', to: 'wallet' },
    };
    const orderOps = (await documentedOperations(t)).filter((o) => o.path.startsWith('/v1/admin/orders/{id}'));
    const bodyFor = (op: DocOperation) => (op.method === 'GET' ? undefined : bodies[op.path.split('/').pop()!]);
    const snapshot = async () =>
      (
        (await t.database.db.execute(
          sql`select status, version, (select count(*) from journal_entries e where e.ref_id = o.id) as entries,
                (select count(*) from order_lines l where l.order_id = o.id and l.verification is not null) as decided
              from orders o where o.id = ${orderId}`,
        )) as unknown as { rows: unknown[] }
      ).rows;
    const before = await snapshot();
    // Both branch roles at the other branch: every permission these routes need, only not at this order's branch.
    const there = await createStaff(t, [
      { role: 'pharmacist', branchId: b.id },
      { role: 'branch_manager', branchId: b.id },
    ]);
    for (const op of orderOps) {
      const where = `${op.method} ${op.path}`;
      const res = await t.http.request(op.method, urlOf(op, { id: orderId }), {
        body: bodyFor(op),
        token: there.accessToken,
        headers: { 'idempotency-key': randomUUID() },
      });
      expect([res.status, res.body.code], where).toEqual([403, 'orders/not-your-branch']);
      const audit = (await t.database.db.execute(
        sql`select actor_id, outcome from audit_log where action = 'access.denied' and request_id = ${String(res.headers['x-request-id'])}`,
      )) as unknown as { rows: unknown[] };
      expect(audit.rows, where).toEqual([{ actor_id: there.user.id, outcome: 'denied' }]);
    }
    expect(await snapshot()).toEqual(before);

    const here = await createStaff(t, [{ role: 'pharmacist', branchId: a.id }]);
    const seen = await t.http.get(`/v1/admin/orders/${orderId}`, here.accessToken);
    expect(seen.status).toBe(200);
    const verified = await t.http.request('POST', `/v1/admin/orders/${orderId}/verify`, {
      token: here.accessToken,
      body: bodies.verify,
      headers: { 'idempotency-key': `bs-own-${orderId}` },
    });
    expect(verified.body.status, JSON.stringify(verified.body)).toBe('confirmed');
  });
});
