import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/kernel/auth/index.js';
import { AppError } from '../../src/kernel/errors/index.js';
import { JobQueue } from '../../src/kernel/queue/index.js';
import { BranchesService } from '../../src/modules/branches/index.js';
import { InventoryService } from '../../src/modules/inventory/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { createStaff } from '../factories/user.factory.js';
import { createBranch, createStockProduct, inDays, insertLot, receive } from '../factories/inventory.factory.js';

let t: TestApp;
let admin: string;
let inventory: InventoryService;
beforeAll(async () => {
  t = await bootTestApp();
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  inventory = t.app.get(InventoryService);
});
afterAll(async () => {
  await t.close();
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
const lotsOf = (productId: string) =>
  rows<{ lot_number: string; on_hand: number; reserved: number }>(
    sql`select lot_number, on_hand, reserved from stock_lots where product_id = ${productId} order by lot_number`,
  );
const ref = () => `order:${randomUUID()}`;

async function stocked(lots: { lotNumber: string; expiresOn: string; quantity: number }[]) {
  const branch = await createBranch(t, admin);
  const productId = await createStockProduct(t, admin);
  for (const l of lots)
    if (l.expiresOn < inDays(0))
      await insertLot(t, {
        branchId: branch.id,
        productId,
        lotNumber: l.lotNumber,
        expiresOn: l.expiresOn,
        onHand: l.quantity,
      });
    else await receive(t, admin, branch.id, { productId, ...l });
  return { branchId: branch.id, productId };
}

describe('reserve', () => {
  it('allocates first-expiry-first-out, skipping expired lots and lots inside the margin', async () => {
    const { branchId, productId } = await stocked([
      { lotNumber: 'A-EXPIRED', expiresOn: inDays(-1), quantity: 100 },
      { lotNumber: 'B-MARGIN', expiresOn: inDays(30), quantity: 100 },
      { lotNumber: 'C-SOON', expiresOn: inDays(31), quantity: 2 },
      { lotNumber: 'D-LATER', expiresOn: inDays(200), quantity: 5 },
      { lotNumber: 'E-LATEST', expiresOn: inDays(300), quantity: 5 },
    ]);
    const r = await inventory.reserve(branchId, [{ productId, quantity: 4 }], ref());
    expect(r.status).toBe('active');
    expect(r.lines).toEqual([
      {
        productId,
        quantity: 4,
        lots: [
          expect.objectContaining({ lotNumber: 'C-SOON', quantity: 2 }),
          expect.objectContaining({ lotNumber: 'D-LATER', quantity: 2 }),
        ],
      },
    ]);
    expect(new Date(r.expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    expect((await lotsOf(productId)).map((l) => l.reserved)).toEqual([0, 0, 2, 2, 0]);
    await expect(inventory.reserve(branchId, [{ productId, quantity: 9 }], ref())).rejects.toMatchObject({
      code: 'inventory/insufficient-stock',
      status: 409,
    });
    expect((await lotsOf(productId)).map((l) => l.reserved)).toEqual([0, 0, 2, 2, 0]);
  });

  it('reserves several products at once, or none of them', async () => {
    const a = await stocked([{ lotNumber: 'A', expiresOn: inDays(100), quantity: 3 }]);
    const productB = await createStockProduct(t, admin);
    await receive(t, admin, a.branchId, { productId: productB, lotNumber: 'B', quantity: 1 });
    await expect(
      inventory.reserve(
        a.branchId,
        [
          { productId: a.productId, quantity: 2 },
          { productId: productB, quantity: 2 },
        ],
        ref(),
      ),
    ).rejects.toMatchObject({ code: 'inventory/insufficient-stock' });
    expect((await lotsOf(a.productId))[0].reserved).toBe(0);
    const key = ref();
    const lines = [
      { productId: productB, quantity: 1 },
      { productId: a.productId, quantity: 1 },
      { productId: a.productId, quantity: 1 },
    ];
    const r = await inventory.reserve(a.branchId, lines, key);
    expect(r.lines.map((l) => l.quantity).sort()).toEqual([1, 2]);
    // The first answer (built from what was written) is the stored reservation, as a replay reads it.
    expect(await inventory.reserve(a.branchId, lines, key)).toEqual(r);
  });

  it('answers a reservation over several lots of several products as it stores it', async () => {
    const a = await stocked([
      { lotNumber: 'L2', expiresOn: inDays(200), quantity: 3 },
      { lotNumber: 'L1', expiresOn: inDays(100), quantity: 2 },
    ]);
    const productB = await createStockProduct(t, admin);
    await receive(t, admin, a.branchId, { productId: productB, lotNumber: 'B2', expiresOn: inDays(300), quantity: 2 });
    await receive(t, admin, a.branchId, { productId: productB, lotNumber: 'B1', expiresOn: inDays(120), quantity: 1 });
    const key = ref();
    const lines = [
      { productId: a.productId, quantity: 4 },
      { productId: productB, quantity: 3 },
    ];
    const first = await inventory.reserve(a.branchId, lines, key);
    expect(await inventory.reserve(a.branchId, lines, key)).toEqual(first);
    const lots = Object.fromEntries(
      first.lines.map((l) => [l.productId, l.lots.map((x) => [x.lotNumber, x.quantity])]),
    );
    expect(lots[a.productId]).toEqual([
      ['L1', 2],
      ['L2', 2],
    ]);
    expect(lots[productB]).toEqual([
      ['B1', 1],
      ['B2', 2],
    ]);
  });

  it('is idempotent per reference; another request under it is a conflict', async () => {
    const { branchId, productId } = await stocked([{ lotNumber: 'A', expiresOn: inDays(100), quantity: 5 }]);
    const key = ref();
    const first = await inventory.reserve(branchId, [{ productId, quantity: 2 }], key);
    const again = await inventory.reserve(branchId, [{ productId, quantity: 2 }], key);
    expect(again).toEqual(first);
    expect((await lotsOf(productId))[0].reserved).toBe(2);
    await expect(inventory.reserve(branchId, [{ productId, quantity: 3 }], key)).rejects.toMatchObject({
      code: 'inventory/reservation-conflict',
    });
  });

  it('refuses an unknown or inactive branch, and nonsense lines', async () => {
    const { branchId, productId } = await stocked([{ lotNumber: 'A', expiresOn: inDays(100), quantity: 5 }]);
    await expect(inventory.reserve(randomUUID(), [{ productId, quantity: 1 }], ref())).rejects.toMatchObject({
      code: 'branches/not-found',
    });
    await t.app.get(BranchesService).update(SYSTEM_ACTOR, branchId, { active: false });
    await expect(inventory.reserve(branchId, [{ productId, quantity: 1 }], ref())).rejects.toMatchObject({
      code: 'branches/not-found',
    });
    await t.app.get(BranchesService).update(SYSTEM_ACTOR, branchId, { active: true });
    for (const lines of [[], [{ productId, quantity: 0 }], [{ productId, quantity: 1.5 }]])
      await expect(inventory.reserve(branchId, lines, ref())).rejects.toBeInstanceOf(AppError);
  });
});

describe('release and commit', () => {
  it('release gives the units back once; commit after it is refused', async () => {
    const { branchId, productId } = await stocked([{ lotNumber: 'A', expiresOn: inDays(100), quantity: 5 }]);
    const key = ref();
    await inventory.reserve(branchId, [{ productId, quantity: 3 }], key);
    expect((await inventory.release(key))?.status).toBe('released');
    expect((await inventory.release(key))?.status).toBe('released');
    expect(await lotsOf(productId)).toEqual([{ lot_number: 'A', on_hand: 5, reserved: 0 }]);
    await expect(inventory.commit(key)).rejects.toMatchObject({ code: 'inventory/reservation-closed', status: 409 });
    await expect(inventory.reserve(branchId, [{ productId, quantity: 3 }], key)).rejects.toMatchObject({
      code: 'inventory/reservation-closed',
    });
    expect(await inventory.release('never-reserved')).toBeNull();
  });

  it('commit sells the units once: on hand and reserved drop together', async () => {
    const { branchId, productId } = await stocked([{ lotNumber: 'A', expiresOn: inDays(100), quantity: 5 }]);
    const key = ref();
    await inventory.reserve(branchId, [{ productId, quantity: 3 }], key);
    expect((await inventory.commit(key)).status).toBe('committed');
    expect((await inventory.commit(key)).status).toBe('committed');
    expect((await inventory.release(key))?.status).toBe('committed');
    expect(await lotsOf(productId)).toEqual([{ lot_number: 'A', on_hand: 2, reserved: 0 }]);
    const types = await rows<{ type: string; on_hand_delta: number; reserved_delta: number }>(
      sql`select type, on_hand_delta, reserved_delta from stock_movements where reference = ${key} order by id`,
    );
    expect(types).toEqual([
      { type: 'reserved', on_hand_delta: 0, reserved_delta: 3 },
      { type: 'sold', on_hand_delta: -3, reserved_delta: -3 },
    ]);
    await expect(inventory.commit('no-such-ref')).rejects.toMatchObject({ code: 'inventory/reservation-not-found' });
  });

  it('the job releases reservations past their expiry, and only those', async () => {
    const { branchId, productId } = await stocked([{ lotNumber: 'A', expiresOn: inDays(100), quantity: 5 }]);
    const short = ref();
    const long = ref();
    await inventory.reserve(branchId, [{ productId, quantity: 2 }], short, 0.05);
    await inventory.reserve(branchId, [{ productId, quantity: 1 }], long);
    await new Promise((r) => setTimeout(r, 100));
    const queue = t.app.get(JobQueue);
    await queue.enqueue('inventory.release-expired-reservations', {});
    await queue.drain();
    expect(await lotsOf(productId)).toEqual([{ lot_number: 'A', on_hand: 5, reserved: 1 }]);
    const [released] = await rows<{ type: string; actor_type: string; reason: string }>(
      sql`select type, actor_type, reason from stock_movements where reference = ${short} and type = 'released'`,
    );
    expect(released).toEqual({ type: 'released', actor_type: 'system', reason: 'reservation expired' });
    expect(await inventory.releaseExpired()).toBe(0);
  });
});

describe('concurrency', () => {
  it('of 60 parallel reservations for the last 30 units exactly 30 succeed; the rest change nothing', async () => {
    const { branchId, productId } = await stocked([
      { lotNumber: 'EXPIRED', expiresOn: inDays(-1), quantity: 50 },
      { lotNumber: 'MARGIN', expiresOn: inDays(5), quantity: 50 },
      { lotNumber: 'L1', expiresOn: inDays(60), quantity: 12 },
      { lotNumber: 'L2', expiresOn: inDays(90), quantity: 18 },
    ]);
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () => inventory.reserve(branchId, [{ productId, quantity: 1 }], ref())),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(30);
    expect(lost).toHaveLength(30);
    for (const l of lost) expect(l.reason).toMatchObject({ code: 'inventory/insufficient-stock' });
    expect(await lotsOf(productId)).toEqual([
      { lot_number: 'EXPIRED', on_hand: 50, reserved: 0 },
      { lot_number: 'L1', on_hand: 12, reserved: 12 },
      { lot_number: 'L2', on_hand: 18, reserved: 18 },
      { lot_number: 'MARGIN', on_hand: 50, reserved: 0 },
    ]);
    expect(await invariantViolations(t.database)).toEqual([]);
    expect(await inventory.integrityCheck()).toEqual([]);
  });

  it('of 50 parallel two-unit reservations against 31 units, 15 succeed and one unit is left', async () => {
    const { branchId, productId } = await stocked([
      { lotNumber: 'L1', expiresOn: inDays(60), quantity: 16 },
      { lotNumber: 'L2', expiresOn: inDays(61), quantity: 15 },
    ]);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => inventory.reserve(branchId, [{ productId, quantity: 2 }], ref())),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(15);
    const lots = await lotsOf(productId);
    expect(lots.reduce((s, l) => s + l.on_hand - l.reserved, 0)).toBe(1);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('reserveNew (checkout): of 40 parallel orders of two products, one over two lots, exactly as many as the scarcer allows win', async () => {
    const a = await stocked([
      { lotNumber: 'A1', expiresOn: inDays(60), quantity: 5 },
      { lotNumber: 'A2', expiresOn: inDays(70), quantity: 5 },
    ]);
    const productB = await createStockProduct(t, admin);
    await receive(t, admin, a.branchId, { productId: productB, lotNumber: 'B1', expiresOn: inDays(80), quantity: 7 });
    const lines = [
      { productId: a.productId, quantity: 1 },
      { productId: productB, quantity: 1 },
    ];
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () =>
        t.database.db.transaction((tx) => inventory.reserveNew(a.branchId, lines, ref(), 600, SYSTEM_ACTOR, tx)),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'inventory/insufficient-stock' });
    expect(await lotsOf(a.productId)).toEqual([
      { lot_number: 'A1', on_hand: 5, reserved: 5 },
      { lot_number: 'A2', on_hand: 5, reserved: 2 },
    ]);
    expect(await lotsOf(productB)).toEqual([{ lot_number: 'B1', on_hand: 7, reserved: 7 }]);
    expect(await invariantViolations(t.database)).toEqual([]);
    expect(await inventory.integrityCheck()).toEqual([]);
  });

  it('replays one reference sent 20 times at once as a single reservation', async () => {
    const { branchId, productId } = await stocked([{ lotNumber: 'L1', expiresOn: inDays(60), quantity: 10 }]);
    const key = ref();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => inventory.reserve(branchId, [{ productId, quantity: 3 }], key)),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect((await lotsOf(productId))[0].reserved).toBe(3);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('keeps every balance equal to its movements under mixed concurrent traffic (no deadlock)', async () => {
    const a = await stocked([
      { lotNumber: 'L1', expiresOn: inDays(60), quantity: 40 },
      { lotNumber: 'L2', expiresOn: inDays(90), quantity: 40 },
    ]);
    const b = await createBranch(t, admin);
    await receive(t, admin, b.id, { productId: a.productId, lotNumber: 'L1', expiresOn: inDays(60), quantity: 40 });
    const keys = Array.from({ length: 30 }, ref);
    const url = (branchId: string, action: string) => `/v1/admin/branches/${branchId}/stock/${action}`;
    const service: Promise<unknown>[] = [];
    const http: Promise<{ status: number }>[] = [];
    for (let i = 0; i < 30; i++) {
      const key = keys[i];
      const branchId = i % 2 ? a.branchId : b.id;
      service.push(
        inventory
          .reserve(branchId, [{ productId: a.productId, quantity: 1 + (i % 3) }], key)
          .then(() => (i % 3 === 0 ? inventory.commit(key) : inventory.release(key)))
          .catch((e: unknown) => e),
      );
      const [from, to] = i % 2 ? [a.branchId, b.id] : [b.id, a.branchId];
      http.push(
        t.http.post(
          url(from, 'transfer'),
          { toBranchId: to, productId: a.productId, lotNumber: 'L1', quantity: 1 },
          admin,
        ),
      );
      if (i % 5 === 0)
        http.push(
          t.http.post(
            url(a.branchId, 'adjust'),
            { productId: a.productId, lotNumber: 'L2', delta: i % 2 ? 1 : -1, reason: 'recount' },
            admin,
          ),
        );
    }
    const outcomes = await Promise.all(service);
    const failures = outcomes.filter((o) => o instanceof Error);
    for (const f of failures) expect(f).toMatchObject({ code: 'inventory/insufficient-stock' });
    expect(failures.length).toBeLessThan(outcomes.length);
    const statuses = (await Promise.all(http)).map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(20);
    expect(await invariantViolations(t.database)).toEqual([]);
    expect(await inventory.integrityCheck()).toEqual([]);
  });
});

describe('integrity check', () => {
  it('reports a lot whose balance no longer matches its movements', async () => {
    const { productId } = await stocked([{ lotNumber: 'A', expiresOn: inDays(100), quantity: 5 }]);
    const [lot] = await rows<{ id: string }>(sql`select id from stock_lots where product_id = ${productId}`);
    await t.database.db.execute(sql`update stock_lots set on_hand = on_hand + 1 where id = ${lot.id}`);
    try {
      const queue = t.app.get(JobQueue);
      await queue.enqueue('inventory.integrity-check', {});
      await queue.drain();
      expect(await inventory.integrityCheck()).toEqual([
        {
          lotId: lot.id,
          onHand: 6,
          reserved: 0,
          movementsOnHand: 5,
          movementsReserved: 0,
          activeReservations: 0,
        },
      ]);
    } finally {
      await t.database.db.execute(sql`update stock_lots set on_hand = on_hand - 1 where id = ${lot.id}`);
    }
    expect(await inventory.integrityCheck()).toEqual([]);
  });
});

describe('nearest branches use the geo index', () => {
  it('EXPLAIN shows a KNN scan of branches_earth_idx, not a sequential scan', async () => {
    // Enough rows for the planner to prefer the index on its own.
    await t.database.db.execute(sql`
      insert into branches (id, name_en, name_ar, address, lat, lng, phone, time_zone, delivery_radius_km)
      select gen_random_uuid(), 'Bulk ' || g, 'فرع ' || g, 'Somewhere', -80 + random() * 160, -170 + random() * 340,
             '+20223456789', 'Africa/Cairo', 5
      from generate_series(1, 500) g`);
    await t.database.db.execute(sql`analyze branches`);
    const { BranchesRepository } = await import('../../src/modules/branches/branches.repository.js');
    const plan = await t.app.get(BranchesRepository).explainNearest(30.05, 31.23, 21);
    expect(plan).toContain('Index Scan using branches_earth_idx');
    expect(plan).toMatch(/Order By: \(\(ll_to_earth\(lat, lng\)\)::cube <->/);
    expect(plan).not.toContain('Seq Scan');
  });
});
