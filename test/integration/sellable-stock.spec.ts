import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryService } from '../../src/modules/inventory/index.js';
import { addDays } from '../../src/modules/inventory/inventory.rules.js';
import { createCategory, createProduct } from '../factories/catalog.factory.js';
import { createBranch, insertLot, receive, type BranchBody } from '../factories/inventory.factory.js';
import { createStaff } from '../factories/user.factory.js';
import { bootTestApp, type TestApp } from '../setup/app.js';

/**
 * One sellable-stock predicate (inventory sellableLot) serves every query that asks "in stock?": they must
 * agree lot for lot. Four products, each with one reason (or none) not to be sold: its only lot expires on
 * the cutoff day (today + STOCK_EXPIRY_MARGIN_DAYS, the last day not sold), every unit is reserved, its only
 * branch is inactive, or nothing (a lot expiring the day after the cutoff).
 */
let t: TestApp;
let admin: string;
let inventory: InventoryService;
let categoryId: string;
let open: BranchBody;
let closed: BranchBody;
const p = { onCutoff: '', allReserved: '', inactiveBranch: '', sellable: '' };

beforeAll(async () => {
  t = await bootTestApp({ SEARCH_CACHE_TTL_SECONDS: '0' });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  inventory = t.app.get(InventoryService);
  categoryId = (await createCategory(t, admin)).id;
  for (const key of Object.keys(p) as (keyof typeof p)[]) p[key] = (await createProduct(t, admin, categoryId)).id;
  open = await createBranch(t, admin);
  closed = await createBranch(t, admin);
  const cutoff = inventory.cutoff();
  const lot = (productId: string, branchId: string, expiresOn: string, onHand = 3) =>
    insertLot(t, { branchId, productId, lotNumber: `L-${randomUUID().slice(0, 8)}`, expiresOn, onHand });
  await lot(p.onCutoff, open.id, cutoff);
  await receive(t, admin, open.id, { productId: p.allReserved, quantity: 2 });
  await inventory.reserve(open.id, [{ productId: p.allReserved, quantity: 2 }], `test:${randomUUID()}`);
  await receive(t, admin, closed.id, { productId: p.inactiveBranch, quantity: 3 });
  await lot(p.sellable, open.id, addDays(cutoff, 1));
  const res = await t.http.patch(`/v1/admin/branches/${closed.id}`, { active: false }, admin);
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await t.close();
});

describe('the sellable-stock predicate, everywhere', () => {
  it('availability lists only the sellable product, at the active branch', async () => {
    for (const [key, id] of Object.entries(p)) {
      const res = await t.http.get(`/v1/products/${id}/availability`);
      expect(res.status).toBe(200);
      expect(
        res.body.items.map((i: { branchId: string; quantity: number }) => [i.branchId, i.quantity]),
        key,
      ).toEqual(key === 'sellable' ? [[open.id, 3]] : []);
    }
  });

  it("a branch's sellable units count the sellable lot only (an inactive branch sells nothing)", async () => {
    expect(Object.fromEntries(await inventory.sellableAt(open.id, Object.values(p)))).toEqual({ [p.sellable]: 3 });
    expect((await inventory.sellableAt(closed.id, [p.inactiveBranch])).size).toBe(0);
  });

  it("search's inStock flag and inStockAt filter agree", async () => {
    const all = await t.http.get(`/v1/products?categoryId=${categoryId}&limit=10`);
    const inStock = Object.fromEntries(all.body.items.map((i: { id: string; inStock: boolean }) => [i.id, i.inStock]));
    expect(inStock).toEqual({
      [p.onCutoff]: false,
      [p.allReserved]: false,
      [p.inactiveBranch]: false,
      [p.sellable]: true,
    });
    const at = await t.http.get(`/v1/products?categoryId=${categoryId}&inStockAt=${open.id}&limit=10`);
    expect(at.body.items.map((i: { id: string }) => i.id)).toEqual([p.sellable]);
  });

  it('a reservation takes only sellable stock', async () => {
    const reserve = (productId: string) =>
      inventory.reserve(open.id, [{ productId, quantity: 1 }], `test:${randomUUID()}`).then(
        () => 'reserved',
        (err: { code?: string }) => err.code,
      );
    expect(await reserve(p.onCutoff)).toBe('inventory/insufficient-stock');
    expect(await reserve(p.allReserved)).toBe('inventory/insufficient-stock');
    expect(await reserve(p.sellable)).toBe('reserved');
  });
});
