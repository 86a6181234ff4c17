import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbOrTx } from '../../src/db/client.js';
import { AppError } from '../../src/kernel/errors/index.js';
import { OutboxService } from '../../src/kernel/events/index.js';
import { BranchesService } from '../../src/modules/branches/index.js';
import { InventoryService } from '../../src/modules/inventory/index.js';
import { OfferRedemptionsService } from '../../src/modules/offers/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { createStaff, insertCustomers } from '../factories/user.factory.js';
import { createBranch, createStockProduct, receive } from '../factories/inventory.factory.js';
import { createOffer } from '../factories/offers.factory.js';

/**
 * The one transaction story (rule 14, src/db/transaction.ts): a checkout-like use case that reserves stock,
 * counts an offer use and writes an event commits all three together or none of them.
 */
let t: TestApp;
let admin: string;
let inventory: InventoryService;
let offers: OfferRedemptionsService;
let outbox: OutboxService;
beforeAll(async () => {
  t = await bootTestApp({ DATABASE_POOL_MAX: '10' });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  inventory = t.app.get(InventoryService);
  offers = t.app.get(OfferRedemptionsService);
  outbox = t.app.get(OutboxService);
});
afterAll(async () => {
  await t.close();
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
let seq = 0;

async function scene() {
  const branch = await createBranch(t, admin);
  const productId = await createStockProduct(t, admin);
  await receive(t, admin, branch.id, { productId, quantity: 5 });
  const offer = await createOffer(t, admin, { globalLimit: 10 });
  const [customerId] = await insertCustomers(t, 1);
  const ref = `order:composition-${Date.now()}-${seq++}`;
  return { branchId: branch.id, productId, offerId: offer.id as string, customerId, ref };
}
type Scene = Awaited<ReturnType<typeof scene>>;

/** Reserve, redeem, publish: each service joins the transaction it is given. */
async function checkout(s: Scene, tx: DbOrTx, payload: Record<string, unknown> = { ref: s.ref }) {
  await inventory.reserve(s.branchId, [{ productId: s.productId, quantity: 2 }], s.ref, undefined, undefined, tx);
  await offers.redeem(s.offerId, s.customerId, s.ref, tx);
  await outbox.publish('test.checkout.placed', payload, tx);
}

async function stateOf(s: Scene) {
  const [lot] = await rows<{ reserved: number; on_hand: number }>(
    sql`select reserved, on_hand from stock_lots where product_id = ${s.productId} and branch_id = ${s.branchId}`,
  );
  const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(q))[0].n;
  return {
    reserved: lot.reserved,
    reservations: await count(sql`select count(*)::int as n from stock_reservations where ref = ${s.ref}`),
    movements: await count(sql`select count(*)::int as n from stock_movements where reference = ${s.ref}`),
    redemptions: await count(sql`select count(*)::int as n from offer_redemptions where reference = ${s.ref}`),
    usedCount: await count(sql`select used_count as n from offers where id = ${s.offerId}`),
    events: await count(sql`select count(*)::int as n from outbox where payload->>'ref' = ${s.ref}`),
  };
}

const nothing = { reserved: 0, reservations: 0, movements: 0, redemptions: 0, usedCount: 0, events: 0 };

describe('one transaction across inventory, offers and the outbox', () => {
  it('commits the reservation, the offer use and the event together', async () => {
    const s = await scene();
    await t.database.db.transaction((tx) => checkout(s, tx));
    expect(await stateOf(s)).toEqual({
      reserved: 2,
      reservations: 1,
      movements: 1,
      redemptions: 1,
      usedCount: 1,
      events: 1,
    });
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('a database failure in the last step (the event cannot be stored) rolls all three back', async () => {
    const s = await scene();
    // jsonb refuses a NUL character: the outbox insert fails after the reservation and the redemption.
    const failing = t.database.db.transaction((tx) => checkout(s, tx, { ref: s.ref, note: 'bad\u0000byte' }));
    await expect(failing).rejects.toThrow();
    expect(await stateOf(s)).toEqual(nothing);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('a rule failing after all three were written (the next step of the use case) rolls all three back', async () => {
    const s = await scene();
    const failing = t.database.db.transaction(async (tx) => {
      await checkout(s, tx);
      // In the transaction all three are visible...
      const [seen] = (
        (await tx.execute(sql`select count(*)::int as n from stock_reservations where ref = ${s.ref}`)) as unknown as {
          rows: { n: number }[];
        }
      ).rows;
      expect(seen.n).toBe(1);
      throw AppError.conflict('test/payment-declined', 'the card was declined');
    });
    await expect(failing).rejects.toMatchObject({ code: 'test/payment-declined' });
    // ...and after the rollback none of them is.
    expect(await stateOf(s)).toEqual(nothing);
    // The same reference can then check out for real: nothing of the failed attempt is left to replay.
    await t.database.db.transaction((tx) => checkout(s, tx));
    expect(await stateOf(s)).toMatchObject({ reserved: 2, redemptions: 1, usedCount: 1, events: 1 });
  });

  it('a failure of a joined service (offer limit reached) rolls back the stock reserved before it', async () => {
    const s = await scene();
    const spent = await createOffer(t, admin, { globalLimit: 1 });
    await offers.redeem(spent.id as string, (await insertCustomers(t, 1))[0], `other:${s.ref}`);
    const failing = t.database.db.transaction(async (tx) => {
      await inventory.reserve(s.branchId, [{ productId: s.productId, quantity: 2 }], s.ref, undefined, undefined, tx);
      await offers.redeem(spent.id as string, s.customerId, s.ref, tx);
    });
    await expect(failing).rejects.toMatchObject({ code: 'offers/limit-reached' });
    expect(await stateOf(s)).toMatchObject({ reserved: 0, reservations: 0, movements: 0 });
  });
});

describe('the reads that guard a change run in its transaction', () => {
  it('reserve checks the branch in the database, not in a cache that may be older', async () => {
    const s = await scene();
    const branches = t.app.get(BranchesService);
    expect((await branches.find(s.branchId))?.active).toBe(true); // warm the cache
    // Deactivated behind the cache's back (as by another node whose invalidation has not arrived yet).
    await t.database.db.execute(sql`update branches set active = false where id = ${s.branchId}`);
    expect((await branches.find(s.branchId))?.active).toBe(true);
    await expect(inventory.reserve(s.branchId, [{ productId: s.productId, quantity: 1 }], s.ref)).rejects.toMatchObject(
      { code: 'branches/not-found' },
    );
    expect((await stateOf(s)).reserved).toBe(0);
  });

  it('the branch stays as checked until the reservation commits: a deactivation waits for it', async () => {
    const s = await scene();
    let blocked: string | undefined;
    await t.database.db.transaction(async (tx) => {
      await inventory.reserve(s.branchId, [{ productId: s.productId, quantity: 1 }], s.ref, undefined, undefined, tx);
      // Another connection tries to switch the branch off while the reservation is not committed yet.
      blocked = await t.database.db
        .transaction(async (other) => {
          await other.execute(sql`set local lock_timeout = '200ms'`);
          await other.execute(sql`update branches set active = false where id = ${s.branchId}`);
          return 'updated';
        })
        .catch((e: { cause?: { code?: string }; code?: string }) => e.cause?.code ?? e.code);
    });
    expect(blocked).toBe('55P03'); // lock_not_available
    expect((await stateOf(s)).reserved).toBe(1);
  });
});
