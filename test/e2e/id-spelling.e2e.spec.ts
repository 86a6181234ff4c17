import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff } from '../factories/user.factory.js';
import { createCategory, createProduct } from '../factories/catalog.factory.js';
import { createBranch, receive } from '../factories/inventory.factory.js';

/**
 * PostgreSQL reads `0190A0C8-…` and `0190a0c8-…` as the same uuid; JavaScript compares them as different
 * strings. Each case below used a client-chosen upper-case spelling to slip past a check done in code
 * (rule 15: ids are lower-cased when the request is parsed).
 */
let t: TestApp;
let admin: { accessToken: string; user: { id: string } };
const upper = (id: string) => id.toUpperCase();

beforeAll(async () => {
  t = await bootTestApp();
  admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
});
afterAll(async () => {
  await t?.close();
});

describe('upper-case ids are the same ids', () => {
  it('a category moved under itself with an upper-cased parentId is a cycle (409 catalog/category-cycle)', async () => {
    const root = await createCategory(t, admin.accessToken);
    const child = await createCategory(t, admin.accessToken, { parentId: root.id });
    for (const [id, parentId] of [
      [root.id, upper(root.id)],
      [upper(root.id), root.id],
      [root.id, upper(child.id)],
    ]) {
      const res = await t.http.patch(`/v1/admin/categories/${id}`, { parentId }, admin.accessToken);
      expect(res.status, `${id} under ${parentId}: ${JSON.stringify(res.body)}`).toBe(409);
      expect(res.body.code).toBe('catalog/category-cycle');
    }
    const tree = (await t.http.get('/v1/categories')).body.items as { id: string; parentId: string | null }[];
    expect(tree.find((c) => c.id === root.id)?.parentId).toBeNull();
    expect(tree.find((c) => c.id === child.id)?.parentId).toBe(root.id);
  });

  it('an admin cannot suspend itself through the upper-cased spelling of its own id', async () => {
    const self = await createStaff(t, [{ role: 'admin', branchId: null }]);
    const res = await t.http.post(`/v1/admin/users/${upper(self.user.id)}/suspend`, {}, self.accessToken);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.code).toBe('identity/cannot-suspend-self');
    expect((await t.http.get('/v1/me', self.accessToken)).status).toBe(200);
  });

  it('a transfer to the upper-cased id of its own branch is refused (inventory/same-branch)', async () => {
    const token = admin.accessToken;
    const branch = await createBranch(t, token);
    const category = await createCategory(t, token);
    const productId = (await createProduct(t, token, category.id)).id;
    const lot = await receive(t, token, branch.id, { productId, quantity: 5 });
    const res = await t.http.post(
      `/v1/admin/branches/${branch.id}/stock/transfer`,
      { toBranchId: upper(branch.id), productId, lotNumber: lot.lotNumber, quantity: 2 },
      token,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe('inventory/same-branch');
    const stock = await t.http.get(`/v1/admin/branches/${branch.id}/stock?productId=${productId}`, token);
    expect(stock.body.items.map((l: { onHand: number }) => l.onHand)).toEqual([5]);
  });

  it('a deactivated product is not served from a cache entry keyed by its upper-cased id', async () => {
    const token = admin.accessToken;
    const category = await createCategory(t, token);
    const product = await createProduct(t, token, category.id);
    const shouting = `/v1/products/${upper(product.id)}`;
    const first = await t.http.get(shouting);
    expect(first.status).toBe(200);
    expect(first.body.id).toBe(product.id);
    expect((await t.http.request('DELETE', `/v1/admin/products/${product.id}`, { token })).status).toBeLessThan(300);
    expect((await t.http.get(`/v1/products/${product.id}`)).status).toBe(404);
    expect((await t.http.get(shouting)).status).toBe(404);
  });
});
