import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createCategory, createProduct } from '../factories/catalog.factory.js';
import { createBranch, receive } from '../factories/inventory.factory.js';
import { createStaff } from '../factories/user.factory.js';
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
