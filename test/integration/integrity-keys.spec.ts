import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InventoryService } from '../../src/modules/inventory/index.js';
import { InventoryRepository } from '../../src/modules/inventory/inventory.repository.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { createStaff, insertCustomers } from '../factories/user.factory.js';
import { createBranch, createStockProduct, receive } from '../factories/inventory.factory.js';
import { createOffer } from '../factories/offers.factory.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof createStaff>>;
beforeAll(async () => {
  // Enough connections for the parallel reservations to really meet in the database.
  t = await bootTestApp({ DATABASE_POOL_MAX: '20' });
  admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
});
afterAll(async () => {
  await t.close();
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
/** The SQLSTATE of a rejected statement (drizzle wraps the driver's error in `cause`). */
const sqlState = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string; cause?: { code?: string } }) => e.cause?.code ?? e.code ?? String(e),
  );

async function stockedLots(n: number) {
  const branch = await createBranch(t, admin.accessToken);
  const productId = await createStockProduct(t, admin.accessToken);
  const lots = [];
  for (let i = 0; i < n; i++) lots.push(await receive(t, admin.accessToken, branch.id, { productId, quantity: 10 }));
  return { branchId: branch.id, productId, lots };
}

describe('cross-module foreign keys (migration 0009)', () => {
  it('refuses a role assignment at a branch that does not exist', async () => {
    const staff = await createStaff(t, []);
    const bogus = sqlState(
      t.database.db.execute(
        sql`insert into role_assignments (id, user_id, role, branch_id) values (${randomUUID()}, ${staff.user.id}, 'pharmacist', ${randomUUID()})`,
      ),
    );
    expect(await bogus).toBe('23503');
  });

  it('refuses an offer redemption by a customer that does not exist', async () => {
    const offer = await createOffer(t, admin.accessToken);
    const insert = (customerId: string) =>
      sqlState(
        t.database.db.execute(
          sql`insert into offer_redemptions (id, offer_id, customer_id, reference) values (${randomUUID()}, ${offer.id}, ${customerId}, ${randomUUID()})`,
        ),
      );
    expect(await insert(randomUUID())).toBe('23503');
    const [real] = await insertCustomers(t, 1);
    expect(await insert(real)).toBe('ok');
    // Keep offers.used_count equal to its redemptions (invariants.sql).
    await t.database.db.execute(sql`update offers set used_count = used_count + 1 where id = ${offer.id}`);
  });

  it('refuses a stock movement by an actor that does not exist; the system writes with no actor, a person never', async () => {
    const { branchId, productId, lots } = await stockedLots(1);
    const move = (actorId: string | null, actorType: string) =>
      sqlState(
        t.database.db.execute(
          sql`insert into stock_movements (id, lot_id, branch_id, product_id, type, on_hand_delta, reserved_delta, actor_id, actor_type)
              values (${randomUUID()}, ${lots[0].id}, ${branchId}, ${productId}, 'adjusted', 0, 0, ${actorId}, ${actorType})`,
        ),
      );
    expect(await move(randomUUID(), 'staff')).toBe('23503');
    expect(await move(null, 'staff')).toBe('23514');
    expect(await move(admin.user.id, 'staff')).toBe('ok');
    expect(await move(null, 'system')).toBe('ok');
  });
});

describe('one reservation per reference (stock_reservations unique line)', () => {
  it('two transactions writing one reference without the advisory lock cannot both create rows', async () => {
    const { lots } = await stockedLots(2);
    const repo = t.app.get(InventoryRepository);
    const ref = `order:${randomUUID()}`;
    const expiresAt = new Date(Date.now() + 60_000);
    let holdA!: () => void;
    const aMayCommit = new Promise<void>((r) => (holdA = r));
    let aWrote!: () => void;
    const aHasWritten = new Promise<void>((r) => (aWrote = r));
    const a = repo.transaction(async (tx) => {
      await repo.insertReservations(tx, [{ ref, lotId: lots[0].id, quantity: 1, expiresAt }]);
      aWrote();
      await aMayCommit;
    });
    await aHasWritten;
    // B writes another lot under the same reference while A is still open (as a caller skipping the lock would).
    const b = repo
      .transaction((tx) => repo.insertReservations(tx, [{ ref, lotId: lots[1].id, quantity: 1, expiresAt }]))
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 150));
    holdA();
    await a;
    await b;
    const written = await rows<{ lot_id: string }>(sql`select lot_id from stock_reservations where ref = ${ref}`);
    expect(written).toEqual([{ lot_id: lots[0].id }]);
    // These rows moved no lot balance: remove them so the shared database keeps its invariants.
    await t.database.db.execute(sql`delete from stock_reservations where ref = ${ref}`);
  });

  it('with the advisory lock bypassed, 8 parallel reserves of one reference hold the stock once and all get that reservation', async () => {
    const { branchId, productId, lots } = await stockedLots(1);
    const repo = t.app.get(InventoryRepository);
    const inventory = t.app.get(InventoryService);
    const ref = `order:${randomUUID()}`;
    const bypass = vi.spyOn(repo, 'lockReference').mockResolvedValue(undefined);
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => inventory.reserve(branchId, [{ productId, quantity: 2 }], ref)),
      );
      const failures = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
      expect(failures).toEqual([]);
      const held = results.map((r) => (r as PromiseFulfilledResult<{ lines: unknown }>).value.lines);
      for (const lines of held) expect(lines).toEqual(held[0]);
    } finally {
      bypass.mockRestore();
    }
    expect(await rows(sql`select quantity from stock_reservations where ref = ${ref}`)).toEqual([{ quantity: 2 }]);
    expect(await rows(sql`select reserved from stock_lots where id = ${lots[0].id}`)).toEqual([{ reserved: 2 }]);
    expect(await invariantViolations(t.database)).toEqual([]);
  });
});
