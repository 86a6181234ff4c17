import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryService } from '../../src/modules/inventory/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import {
  createBranch,
  createStockProduct,
  inDays,
  insertLot,
  receive,
  type BranchBody,
} from '../factories/inventory.factory.js';

let t: TestApp;
let admin: string;
let branchA: BranchBody;
let branchB: BranchBody;
let managerA: string;
let managerAId: string;
beforeAll(async () => {
  t = await bootTestApp();
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  branchA = await createBranch(t, admin);
  branchB = await createBranch(t, admin);
  const m = await createStaff(t, [{ role: 'branch_manager', branchId: branchA.id }]);
  managerA = m.accessToken;
  managerAId = m.user.id;
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
});

const stockUrl = (branchId: string, action = '') => `/v1/admin/branches/${branchId}/stock${action}`;
const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;

describe('inventory: receive', () => {
  it('creates a lot on first receipt and adds to it after; each receipt is a movement', async () => {
    const productId = await createStockProduct(t, admin);
    const body = { productId, lotNumber: 'AX-1', expiresOn: inDays(400), quantity: 10, reference: 'PO-77' };
    const first = await t.http.post(stockUrl(branchA.id, '/receive'), body, managerA);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      branchId: branchA.id,
      productId,
      lotNumber: 'AX-1',
      expiresOn: body.expiresOn,
      onHand: 10,
      reserved: 0,
      available: 10,
      sellable: true,
    });
    const second = await t.http.post(stockUrl(branchA.id, '/receive'), { ...body, quantity: 5 }, admin);
    expect(second.body).toMatchObject({ id: first.body.id, onHand: 15 });
    const movements = await rows<{ type: string; on_hand_delta: number; actor_id: string; reference: string }>(
      sql`select type, on_hand_delta, actor_id, reference from stock_movements where lot_id = ${first.body.id} order by id`,
    );
    expect(movements).toEqual([
      { type: 'received', on_hand_delta: 10, actor_id: managerAId, reference: 'PO-77' },
      expect.objectContaining({ type: 'received', on_hand_delta: 5 }),
    ]);
  });

  it('replays a receipt sent again with the same Idempotency-Key instead of receiving twice', async () => {
    const productId = await createStockProduct(t, admin);
    const body = { productId, lotNumber: 'IDEM-1', expiresOn: inDays(300), quantity: 4 };
    const headers = { 'idempotency-key': `receive-${randomUUID()}` };
    const a = await t.http.request('POST', stockUrl(branchA.id, '/receive'), { body, token: admin, headers });
    const b = await t.http.request('POST', stockUrl(branchA.id, '/receive'), { body, token: admin, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.body).toEqual(a.body);
    const other = await t.http.request('POST', stockUrl(branchA.id, '/receive'), {
      body: { ...body, quantity: 5 },
      token: admin,
      headers,
    });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('common/idempotency-key-reused');
    const [lot] = await rows<{ on_hand: number }>(sql`select on_hand from stock_lots where id = ${a.body.id}`);
    expect(lot.on_hand).toBe(4);
  });

  it('keeps a lot number to the expiry it was first received with (409)', async () => {
    const productId = await createStockProduct(t, admin);
    await receive(t, admin, branchA.id, { productId, lotNumber: 'EXP-1', expiresOn: inDays(200), quantity: 1 });
    const res = await t.http.post(
      stockUrl(branchA.id, '/receive'),
      { productId, lotNumber: 'EXP-1', expiresOn: inDays(201), quantity: 1 },
      admin,
    );
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('inventory/lot-expiry-mismatch');
  });

  it('refuses an expired lot, bad input, an unknown product and an unknown branch', async () => {
    const productId = await createStockProduct(t, admin);
    const ok = { productId, lotNumber: 'B-1', expiresOn: inDays(100), quantity: 3 };
    const expired = await t.http.post(stockUrl(branchA.id, '/receive'), { ...ok, expiresOn: inDays(-1) }, admin);
    expect(expired.status).toBe(400);
    expect(expired.body).toMatchObject({ code: 'inventory/lot-expired', errors: [{ field: 'expiresOn' }] });
    for (const [bad, field] of [
      [{ quantity: 0 }, 'quantity'],
      [{ quantity: 1.5 }, 'quantity'],
      [{ expiresOn: '2030-02-30' }, 'expiresOn'],
      [{ expiresOn: '30/01/2030' }, 'expiresOn'],
      [{ lotNumber: '' }, 'lotNumber'],
      [{ lotNumber: 'lot 1; drop' }, 'lotNumber'],
      [{ productId: 'nope' }, 'productId'],
      [{ extra: true }, 'extra'],
    ] as const) {
      const res = await t.http.post(stockUrl(branchA.id, '/receive'), { ...ok, ...bad }, admin);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const noProduct = await t.http.post(stockUrl(branchA.id, '/receive'), { ...ok, productId: randomUUID() }, admin);
    expect(noProduct.status).toBe(404);
    expect(noProduct.body.code).toBe('inventory/product-not-found');
    const noBranch = await t.http.post(stockUrl(randomUUID(), '/receive'), ok, admin);
    expect(noBranch.status).toBe(404);
    expect(noBranch.body.code).toBe('branches/not-found');
  });
});

describe('inventory: who may touch which branch', () => {
  it("answers 403 to a branch manager at another branch's stock, and audits it", async () => {
    const productId = await createStockProduct(t, admin);
    await receive(t, admin, branchB.id, { productId, lotNumber: 'B-LOT', quantity: 5 });
    const attempts: [string, string, unknown?][] = [
      ['POST', stockUrl(branchB.id, '/receive'), { productId, lotNumber: 'X', expiresOn: inDays(90), quantity: 1 }],
      ['POST', stockUrl(branchB.id, '/adjust'), { productId, lotNumber: 'B-LOT', delta: -1, reason: 'broken' }],
      [
        'POST',
        stockUrl(branchB.id, '/transfer'),
        { toBranchId: branchA.id, productId, lotNumber: 'B-LOT', quantity: 1 },
      ],
      ['POST', stockUrl(branchB.id, '/write-off'), {}],
      ['GET', stockUrl(branchB.id)],
      ['GET', stockUrl(branchB.id, '/expiring')],
      ['GET', `/v1/admin/products/${productId}/movements?branchId=${branchB.id}`],
    ];
    for (const [method, url, body] of attempts) {
      const res = await t.http.request(method as 'GET', url, { body, token: managerA });
      expect(res.status, url).toBe(403);
      expect(res.body.code, url).toBe('inventory/not-your-branch');
    }
    const audit = await rows<{ n: number }>(
      sql`select count(*)::int as n from audit_log where action = 'access.denied' and actor_id = ${managerAId} and subject_id = ${branchB.id}`,
    );
    expect(audit[0].n).toBe(attempts.length);
    const [lot] = await rows<{ on_hand: number }>(
      sql`select on_hand from stock_lots where branch_id = ${branchB.id} and product_id = ${productId}`,
    );
    expect(lot.on_hand).toBe(5);
  });

  it('refuses roles without the stock permission, and anonymous callers', async () => {
    const customer = await registerUser(t);
    const pharmacist = await createStaff(t, [{ role: 'pharmacist', branchId: branchA.id }]);
    const support = await createStaff(t, [{ role: 'support_agent', branchId: null }]);
    const body = { productId: randomUUID(), lotNumber: 'X', expiresOn: inDays(90), quantity: 1 };
    for (const token of [customer.accessToken, pharmacist.accessToken, support.accessToken]) {
      const res = await t.http.post(stockUrl(branchA.id, '/receive'), body, token);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('auth/forbidden');
    }
    expect((await t.http.get(stockUrl(branchA.id), customer.accessToken)).status).toBe(403);
    expect((await t.http.post(stockUrl(branchA.id, '/receive'), body)).status).toBe(401);
    // A pharmacist reads the stock of their own branch, not another's.
    expect((await t.http.get(stockUrl(branchA.id), pharmacist.accessToken)).status).toBe(200);
    expect((await t.http.get(stockUrl(branchB.id), pharmacist.accessToken)).status).toBe(403);
  });
});

describe('inventory: adjust', () => {
  it('adds or removes with a reason, or sets a counted quantity; audited', async () => {
    const productId = await createStockProduct(t, admin);
    const lot = await receive(t, admin, branchA.id, { productId, lotNumber: 'ADJ-1', quantity: 10 });
    const minus = await t.http.post(
      stockUrl(branchA.id, '/adjust'),
      { productId, lotNumber: 'ADJ-1', delta: -3, reason: 'dropped and broken' },
      managerA,
    );
    expect(minus.status).toBe(200);
    expect(minus.body).toMatchObject({ id: lot.id, onHand: 7 });
    const counted = await t.http.post(
      stockUrl(branchA.id, '/adjust'),
      { productId, lotNumber: 'ADJ-1', countedOnHand: 9, reason: 'stock count' },
      managerA,
    );
    expect(counted.body.onHand).toBe(9);
    const movements = await rows<{ type: string; on_hand_delta: number; reason: string }>(
      sql`select type, on_hand_delta, reason from stock_movements where lot_id = ${lot.id} and type = 'adjusted' order by id`,
    );
    expect(movements).toEqual([
      { type: 'adjusted', on_hand_delta: -3, reason: 'dropped and broken' },
      { type: 'adjusted', on_hand_delta: 2, reason: 'stock count' },
    ]);
    const audit = await rows<{ actor_id: string; details: { delta: number; reason: string } }>(
      sql`select actor_id, details from audit_log where action = 'stock.adjusted' and subject_id = ${lot.id} order by at`,
    );
    expect(audit.map((a) => [a.actor_id, a.details.delta, a.details.reason])).toEqual([
      [managerAId, -3, 'dropped and broken'],
      [managerAId, 2, 'stock count'],
    ]);
  });

  it('never takes on hand below the reserved units (409), nor a lot that is not there (404)', async () => {
    const productId = await createStockProduct(t, admin);
    await receive(t, admin, branchA.id, { productId, lotNumber: 'ADJ-R', quantity: 5 });
    await t.app.get(InventoryService).reserve(branchA.id, [{ productId, quantity: 4 }], `adj-${randomUUID()}`);
    const res = await t.http.post(
      stockUrl(branchA.id, '/adjust'),
      { productId, lotNumber: 'ADJ-R', delta: -2, reason: 'lost' },
      admin,
    );
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('inventory/below-reserved');
    expect(
      (
        await t.http.post(
          stockUrl(branchA.id, '/adjust'),
          { productId, lotNumber: 'ADJ-R', delta: -1, reason: 'lost' },
          admin,
        )
      ).body.onHand,
    ).toBe(4);
    const missing = await t.http.post(
      stockUrl(branchA.id, '/adjust'),
      { productId, lotNumber: 'NOPE', delta: 1, reason: 'found' },
      admin,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('inventory/lot-not-found');
  });

  it('needs exactly one of delta and countedOnHand, a non-zero delta and a reason', async () => {
    const base = { productId: randomUUID(), lotNumber: 'L' };
    for (const body of [
      { ...base, reason: 'count' },
      { ...base, delta: 1, countedOnHand: 3, reason: 'count' },
      { ...base, delta: 0, reason: 'count' },
      { ...base, delta: 1 },
      { ...base, delta: 1, reason: 'x' },
    ]) {
      const res = await t.http.post(stockUrl(branchA.id, '/adjust'), body, admin);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('is refused to a role without stock:adjust', async () => {
    const catalog = await createStaff(t, [{ role: 'catalog_manager', branchId: null }]);
    const res = await t.http.post(
      stockUrl(branchA.id, '/adjust'),
      { productId: randomUUID(), lotNumber: 'L', delta: 1, reason: 'count' },
      catalog.accessToken,
    );
    expect(res.status).toBe(403);
  });
});

describe('inventory: transfer', () => {
  it('moves units out of one branch and into the other, same lot and expiry, one reference', async () => {
    const productId = await createStockProduct(t, admin);
    const lot = await receive(t, admin, branchA.id, { productId, lotNumber: 'TR-1', quantity: 8 });
    const res = await t.http.post(
      stockUrl(branchA.id, '/transfer'),
      { toBranchId: branchB.id, productId, lotNumber: 'TR-1', quantity: 3, reason: 'B ran out' },
      managerA,
    );
    expect(res.status).toBe(200);
    expect(res.body.from).toMatchObject({ id: lot.id, branchId: branchA.id, onHand: 5 });
    expect(res.body.to).toMatchObject({
      branchId: branchB.id,
      lotNumber: 'TR-1',
      expiresOn: lot.expiresOn,
      onHand: 3,
    });
    const movements = await rows<{ branch_id: string; type: string; on_hand_delta: number; reference: string }>(
      sql`select branch_id, type, on_hand_delta, reference from stock_movements where reference = ${res.body.reference} order by on_hand_delta`,
    );
    expect(movements).toEqual([
      { branch_id: branchA.id, type: 'transferred_out', on_hand_delta: -3, reference: res.body.reference },
      { branch_id: branchB.id, type: 'transferred_in', on_hand_delta: 3, reference: res.body.reference },
    ]);
    // Transferred back into the existing lot.
    const back = await t.http.post(
      stockUrl(branchB.id, '/transfer'),
      { toBranchId: branchA.id, productId, lotNumber: 'TR-1', quantity: 1 },
      admin,
    );
    expect(back.body.to).toMatchObject({ id: lot.id, onHand: 6 });
  });

  it('moves only unreserved units (409), not to the same branch (400) nor to an unknown one (404)', async () => {
    const productId = await createStockProduct(t, admin);
    await receive(t, admin, branchA.id, { productId, lotNumber: 'TR-2', quantity: 3 });
    await t.app.get(InventoryService).reserve(branchA.id, [{ productId, quantity: 2 }], `tr-${randomUUID()}`);
    const body = { toBranchId: branchB.id, productId, lotNumber: 'TR-2', quantity: 2 };
    const short = await t.http.post(stockUrl(branchA.id, '/transfer'), body, admin);
    expect(short.status).toBe(409);
    expect(short.body.code).toBe('inventory/insufficient-stock');
    const same = await t.http.post(stockUrl(branchA.id, '/transfer'), { ...body, toBranchId: branchA.id }, admin);
    expect(same.status).toBe(400);
    expect(same.body.code).toBe('inventory/same-branch');
    const nowhere = await t.http.post(stockUrl(branchA.id, '/transfer'), { ...body, toBranchId: randomUUID() }, admin);
    expect(nowhere.status).toBe(404);
    const noLot = await t.http.post(stockUrl(branchA.id, '/transfer'), { ...body, lotNumber: 'NONE' }, admin);
    expect(noLot.status).toBe(404);
    expect(noLot.body.code).toBe('inventory/lot-not-found');
    const [lot] = await rows<{ on_hand: number }>(
      sql`select on_hand from stock_lots where branch_id = ${branchA.id} and product_id = ${productId}`,
    );
    expect(lot.on_hand).toBe(3);
    expect(
      await rows(sql`select 1 from stock_lots where branch_id = ${branchB.id} and product_id = ${productId}`),
    ).toEqual([]);
  });

  it('refuses a lot number the destination holds with another expiry', async () => {
    const productId = await createStockProduct(t, admin);
    await receive(t, admin, branchA.id, { productId, lotNumber: 'TR-3', expiresOn: inDays(100), quantity: 2 });
    await receive(t, admin, branchB.id, { productId, lotNumber: 'TR-3', expiresOn: inDays(120), quantity: 2 });
    const res = await t.http.post(
      stockUrl(branchA.id, '/transfer'),
      { toBranchId: branchB.id, productId, lotNumber: 'TR-3', quantity: 1 },
      admin,
    );
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('inventory/lot-expiry-mismatch');
  });
});

describe('inventory: expired stock', () => {
  it('writes off the unreserved units of expired lots only, audited', async () => {
    const branch = await createBranch(t, admin);
    const productId = await createStockProduct(t, admin);
    const old = await insertLot(t, {
      branchId: branch.id,
      productId,
      lotNumber: 'OLD',
      expiresOn: inDays(-3),
      onHand: 6,
    });
    const fresh = await receive(t, admin, branch.id, { productId, lotNumber: 'NEW', quantity: 4 });
    const res = await t.http.post(stockUrl(branch.id, '/write-off'), { reason: 'expired, sent to destruction' }, admin);
    expect(res.status).toBe(200);
    expect(res.body.quantity).toBe(6);
    expect(res.body.lots).toEqual([expect.objectContaining({ id: old, onHand: 0, writtenOff: 6, sellable: false })]);
    const [freshRow] = await rows<{ on_hand: number }>(sql`select on_hand from stock_lots where id = ${fresh.id}`);
    expect(freshRow.on_hand).toBe(4);
    const [movement] = await rows<{ type: string; on_hand_delta: number; reason: string }>(
      sql`select type, on_hand_delta, reason from stock_movements where lot_id = ${old} and type = 'expired'`,
    );
    expect(movement).toEqual({ type: 'expired', on_hand_delta: -6, reason: 'expired, sent to destruction' });
    expect(
      await rows(sql`select 1 from audit_log where action = 'stock.written-off' and subject_id = ${branch.id}`),
    ).toHaveLength(1);
    // Nothing left to write off: a second call changes nothing.
    expect((await t.http.post(stockUrl(branch.id, '/write-off'), {}, admin)).body).toEqual({ quantity: 0, lots: [] });
  });

  it('shows a product whose only stock is expired or inside the margin as unavailable', async () => {
    const branch = await createBranch(t, admin);
    const productId = await createStockProduct(t, admin);
    await insertLot(t, { branchId: branch.id, productId, lotNumber: 'GONE', expiresOn: inDays(-1), onHand: 50 });
    await receive(t, admin, branch.id, { productId, lotNumber: 'SOON', expiresOn: inDays(10), quantity: 50 });
    const res = await t.http.get(`/v1/products/${productId}/availability?lat=${branch.lat}&lng=${branch.lng}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    const reserve = t.app.get(InventoryService).reserve(branch.id, [{ productId, quantity: 1 }], `x-${randomUUID()}`);
    await expect(reserve).rejects.toMatchObject({ code: 'inventory/insufficient-stock' });
  });
});

describe('inventory: availability', () => {
  it('lists sellable units per branch nearest first, net of reservations, skipping inactive branches', async () => {
    const p = { lat: -45 + Math.random(), lng: 100 + Math.random() };
    const near = await createBranch(t, admin, { lat: p.lat + 0.01, lng: p.lng });
    const far = await createBranch(t, admin, { lat: p.lat + 0.1, lng: p.lng });
    const closed = await createBranch(t, admin, { lat: p.lat, lng: p.lng });
    const productId = await createStockProduct(t, admin);
    await receive(t, admin, far.id, { productId, quantity: 7 });
    await receive(t, admin, near.id, { productId, quantity: 2, expiresOn: inDays(60) });
    await receive(t, admin, near.id, { productId, quantity: 3, expiresOn: inDays(90) });
    await insertLot(t, { branchId: near.id, productId, lotNumber: 'DEAD', expiresOn: inDays(-5), onHand: 100 });
    await receive(t, admin, closed.id, { productId, quantity: 9 });
    await t.http.patch(`/v1/admin/branches/${closed.id}`, { active: false }, admin);
    await t.app.get(InventoryService).reserve(far.id, [{ productId, quantity: 4 }], `av-${randomUUID()}`);

    const res = await t.http.get(`/v1/products/${productId}/availability?lat=${p.lat}&lng=${p.lng}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { branchId: string; quantity: number }) => [i.branchId, i.quantity])).toEqual([
      [near.id, 5],
      [far.id, 3],
    ]);
    expect(res.body.items[0].distanceKm).toBeCloseTo(1.11, 1);
    expect(res.body.items[1].distanceKm).toBeCloseTo(11.1, 0);
    const noPoint = await t.http.get(`/v1/products/${productId}/availability`);
    expect(noPoint.body.items.map((i: { quantity: number; distanceKm: null }) => [i.quantity, i.distanceKm])).toEqual([
      [5, null],
      [3, null],
    ]);
    expect((await t.http.get(`/v1/products/${randomUUID()}/availability`)).body).toEqual({ items: [] });
  });

  it('refuses a bad point', async () => {
    for (const qs of ['lat=91&lng=0', 'lat=10', 'lng=10', 'lat=x&lng=1', 'lat=1&lng=1&limit=0', 'radius=5']) {
      expect((await t.http.get(`/v1/products/${randomUUID()}/availability?${qs}`)).status, qs).toBe(400);
    }
    expect((await t.http.get('/v1/products/nope/availability')).status).toBe(400);
  });
});

describe('inventory: reports', () => {
  it('lists a branch’s lots with stock, a page at a time', async () => {
    const branch = await createBranch(t, admin);
    const products = [await createStockProduct(t, admin), await createStockProduct(t, admin)];
    for (const productId of products)
      for (const lotNumber of ['L1', 'L2']) await receive(t, admin, branch.id, { productId, lotNumber, quantity: 1 });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: {
        status: number;
        body: { items: { productId: string; lotNumber: string }[]; nextCursor: string | null };
      } = await t.http.get(`${stockUrl(branch.id)}?limit=3${cursor ? `&cursor=${cursor}` : ''}`, admin);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i) => `${i.productId}/${i.lotNumber}`));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...products].sort().flatMap((p) => [`${p}/L1`, `${p}/L2`]));
    const one = await t.http.get(`${stockUrl(branch.id)}?productId=${products[0]}`, admin);
    expect(one.body.items).toHaveLength(2);
    expect((await t.http.get(`${stockUrl(branch.id)}?cursor=garbage`, admin)).status).toBe(400);
    expect((await t.http.get(stockUrl(randomUUID()), admin)).status).toBe(404);
  });

  it('lists lots expiring within N days, expired first, soonest first', async () => {
    const branch = await createBranch(t, admin);
    const productId = await createStockProduct(t, admin);
    const expired = await insertLot(t, {
      branchId: branch.id,
      productId,
      lotNumber: 'E0',
      expiresOn: inDays(-2),
      onHand: 1,
    });
    const soon = await receive(t, admin, branch.id, { productId, lotNumber: 'E1', expiresOn: inDays(10), quantity: 1 });
    const later = await receive(t, admin, branch.id, {
      productId,
      lotNumber: 'E2',
      expiresOn: inDays(40),
      quantity: 1,
    });
    await receive(t, admin, branch.id, { productId, lotNumber: 'E3', expiresOn: inDays(400), quantity: 1 });
    const ids = async (qs: string) =>
      (await t.http.get(`${stockUrl(branch.id, '/expiring')}?${qs}`, admin)).body.items.map(
        (l: { id: string }) => l.id,
      );
    expect(await ids('days=30')).toEqual([expired, soon.id]);
    expect(await ids('')).toEqual([expired, soon.id]);
    expect(await ids('days=45')).toEqual([expired, soon.id, later.id]);
    const page = await t.http.get(`${stockUrl(branch.id, '/expiring')}?days=45&limit=2`, admin);
    const next = await t.http.get(
      `${stockUrl(branch.id, '/expiring')}?days=45&limit=2&cursor=${page.body.nextCursor}`,
      admin,
    );
    expect(next.body.items.map((l: { id: string }) => l.id)).toEqual([later.id]);
    expect((await t.http.get(`${stockUrl(branch.id, '/expiring')}?days=-1`, admin)).status).toBe(400);
  });

  it("pages a product's movements newest first; branch staff see their branches only", async () => {
    const productId = await createStockProduct(t, admin);
    await receive(t, admin, branchA.id, { productId, lotNumber: 'MV', quantity: 5 });
    await receive(t, admin, branchB.id, { productId, lotNumber: 'MV', quantity: 6 });
    await t.http.post(
      stockUrl(branchA.id, '/adjust'),
      { productId, lotNumber: 'MV', delta: -1, reason: 'sample' },
      admin,
    );
    const all = await t.http.get(`/v1/admin/products/${productId}/movements?limit=2`, admin);
    expect(all.status).toBe(200);
    expect(all.body.items.map((m: { type: string; onHandDelta: number }) => [m.type, m.onHandDelta])).toEqual([
      ['adjusted', -1],
      ['received', 6],
    ]);
    const rest = await t.http.get(
      `/v1/admin/products/${productId}/movements?limit=2&cursor=${all.body.nextCursor}`,
      admin,
    );
    expect(rest.body).toMatchObject({
      items: [{ type: 'received', onHandDelta: 5, lotNumber: 'MV' }],
      nextCursor: null,
    });
    const mine = await t.http.get(`/v1/admin/products/${productId}/movements`, managerA);
    expect(mine.body.items.map((m: { branchId: string }) => m.branchId)).toEqual([branchA.id, branchA.id]);
    const onlyB = await t.http.get(`/v1/admin/products/${productId}/movements?branchId=${branchB.id}`, admin);
    expect(onlyB.body.items).toHaveLength(1);
  });
});
