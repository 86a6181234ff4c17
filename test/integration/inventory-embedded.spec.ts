import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryService } from '../../src/modules/inventory/index.js';
import { bootTestApp, EMBEDDED, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { createStaff } from '../factories/user.factory.js';
import { createBranch, createStockProduct, inDays, insertLot, receive } from '../factories/inventory.factory.js';

/** The same branch and stock SQL on the embedded engine (PGlite, one connection, no Redis). */
describe('branches and inventory on PGlite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({
      ...EMBEDDED,
      SEED_DEMO: 'false',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists nearest branches, receives, reserves, commits and reports availability', async () => {
    expect(t.database.kind).toBe('pglite');
    const admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
    const near = await createBranch(t, admin, { lat: 30.05, lng: 31.24 });
    const far = await createBranch(t, admin, { lat: 31.2, lng: 29.92 });
    const list = await t.http.get('/v1/branches?lat=30.04&lng=31.23&limit=1');
    expect(list.body.items.map((b: { id: string }) => b.id)).toEqual([near.id]);
    const next = await t.http.get(`/v1/branches?lat=30.04&lng=31.23&limit=1&cursor=${list.body.nextCursor}`);
    expect(next.body.items.map((b: { id: string }) => b.id)).toEqual([far.id]);

    const productId = await createStockProduct(t, admin);
    await receive(t, admin, near.id, { productId, lotNumber: 'N1', quantity: 3 });
    await receive(t, admin, far.id, { productId, lotNumber: 'F1', quantity: 4 });
    await insertLot(t, { branchId: near.id, productId, lotNumber: 'OLD', expiresOn: inDays(-1), onHand: 9 });

    const inventory = t.app.get(InventoryService);
    const ref = `order:${randomUUID()}`;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => inventory.reserve(near.id, [{ productId, quantity: 1 }], `r:${randomUUID()}`)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    await expect(inventory.reserve(near.id, [{ productId, quantity: 1 }], ref)).rejects.toMatchObject({
      code: 'inventory/insufficient-stock',
    });
    const held = await inventory.reserve(far.id, [{ productId, quantity: 2 }], ref);
    expect((await inventory.commit(ref)).status).toBe('committed');
    expect(held.lines[0].lots[0].lotNumber).toBe('F1');

    const availability = await t.http.get(`/v1/products/${productId}/availability?lat=30.04&lng=31.23`);
    expect(availability.body.items).toEqual([
      { branchId: far.id, nameEn: far.nameEn, nameAr: far.nameAr, quantity: 2, distanceKm: expect.any(Number) },
    ]);
    const writeOff = await t.http.post(`/v1/admin/branches/${near.id}/stock/write-off`, {}, admin);
    expect(writeOff.body.quantity).toBe(9);
    expect(await inventory.releaseExpired()).toBe(0);
    expect(await inventory.integrityCheck()).toEqual([]);
    expect(await invariantViolations(t.database)).toEqual([]);
  });
});
