import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formData, ok, type MedyourClient } from '../../clients/typescript/src/index.js';
import { buildCategory, buildProduct } from '../factories/catalog.factory.js';
import { quietAutomaticOffers } from '../factories/cart.factory.js';
import { buildBranch, inDays } from '../factories/inventory.factory.js';
import { creditWallet } from '../factories/payments.factory.js';
import { PASSWORD } from '../factories/user.factory.js';
import { PNG } from '../support/multipart.js';
import { bootGolden, refusal, type Golden } from './support/golden.js';

/**
 * Golden flow: a prescription order through @medyour/client — the customer uploads a photo, checks out Rx and
 * OTC lines cash on delivery, the branch's pharmacist reads the photo and approves, staff complete the pickup,
 * and a branch manager refunds part of it to the wallet; the customer reads the refund.
 */
let g: Golden;
let admin: MedyourClient;
let customer: MedyourClient;
let pharmacist: MedyourClient;
let manager: MedyourClient;
const ids = { branch: '', rx: '', otc: '', customer: '' };
const here = { lat: -40 - Math.random() * 3, lng: 170 + Math.random() * 3 };

beforeAll(async () => {
  g = await bootGolden();
  await quietAutomaticOffers(g.t);
  admin = (await g.staffClient([{ role: 'admin', branchId: null }])).client;
  ids.branch = ok(await admin.POST('/v1/admin/branches', { body: buildBranch(here) })).id;
  const categoryId = ok(await admin.POST('/v1/admin/categories', { body: buildCategory() })).id;
  ids.rx = ok(
    await admin.POST('/v1/admin/products', {
      body: buildProduct(categoryId, { priceMinor: 4000, rxRequired: true }),
    }),
  ).id;
  ids.otc = ok(await admin.POST('/v1/admin/products', { body: buildProduct(categoryId, { priceMinor: 1500 }) })).id;
  for (const [productId, lotNumber] of [
    [ids.rx, 'RX-1'],
    [ids.otc, 'OTC-1'],
  ])
    ok(
      await admin.POST('/v1/admin/branches/{id}/stock/receive', {
        params: { path: { id: ids.branch } },
        body: { productId, lotNumber, expiresOn: inDays(400), quantity: 6 },
      }),
    );
  pharmacist = (await g.staffClient([{ role: 'pharmacist', branchId: ids.branch }])).client;
  manager = (await g.staffClient([{ role: 'branch_manager', branchId: ids.branch }])).client;
  customer = g.newClient();
  const registered = ok(
    await customer.POST('/v1/auth/register', {
      body: { name: 'Rx Patient', email: `rx-${randomUUID().slice(0, 8)}@example.com`, password: PASSWORD },
    }),
  );
  ids.customer = registered.user.id;
});
afterAll(async () => {
  await g.close();
});

const key = () => ({ 'Idempotency-Key': `golden-${randomUUID()}` });
const setItem = (productId: string, quantity: number) =>
  customer.PUT('/v1/cart/items/{productId}', { params: { path: { productId } }, body: { quantity } });

describe('golden flow: a prescription order through @medyour/client', () => {
  it('uploads, checks out, is verified by the branch’s pharmacist, completed and partly refunded', async () => {
    ok(await setItem(ids.rx, 2));
    ok(await setItem(ids.otc, 1));
    const checkout = {
      branchId: ids.branch,
      fulfilment: 'pickup' as const,
      paymentMethod: 'cod' as const,
    };
    const missing = await refusal(customer.POST('/v1/orders', { body: checkout, headers: key() }));
    expect([missing.status, missing.code]).toEqual([409, 'orders/prescription-required']);

    const photo = ok(
      await customer.POST('/v1/prescriptions/uploads', {
        body: { file: new File([PNG], 'rx.png', { type: 'image/png' }), note: 'Dr. Hany, 2 boxes' },
        bodySerializer: formData,
      }),
    );
    expect(photo.file.contentType).toBe('image/png');
    const order = ok(
      await customer.POST('/v1/orders', { body: { ...checkout, prescriptionIds: [photo.id] }, headers: key() }),
    );
    expect(order).toMatchObject({ status: 'pending_verification', prescriptionIds: [photo.id], totalMinor: 9500 });

    // The pharmacist sees the photo (a short-lived link) and decides the Rx line.
    const seen = ok(await pharmacist.GET('/v1/admin/orders/{id}', { params: { path: { id: order.id } } }));
    expect(seen.prescriptions.map((p) => p.id)).toEqual([photo.id]);
    const rxLine = seen.lines.find((l) => l.rxRequired)!;
    const verified = ok(
      await pharmacist.POST('/v1/admin/orders/{id}/verify', {
        params: { path: { id: order.id } },
        body: { lines: [{ lineNo: rxLine.lineNo, approved: true, note: 'stamp and date checked' }] },
        headers: key(),
      }),
    );
    expect(verified.status).toBe('confirmed');
    expect(verified.lines.find((l) => l.rxRequired)).toMatchObject({
      verification: 'approved',
      prescriptionId: photo.id,
    });

    for (const to of ['preparing', 'ready', 'completed'] as const)
      expect(
        ok(
          await pharmacist.POST('/v1/admin/orders/{id}/transition', {
            params: { path: { id: order.id } },
            body: { to },
            headers: key(),
          }),
        ).status,
      ).toBe(to);

    // The OTC line earned points on completion (Rx-only lines earn none by default).
    const loyalty = ok(await customer.GET('/v1/loyalty', {}));
    expect(loyalty.balance).toBeGreaterThan(0);

    // One box comes back: refunded to the wallet, the box to quarantine.
    const refund = ok(
      await manager.POST('/v1/admin/orders/{id}/refunds', {
        params: { path: { id: order.id } },
        body: { lines: [{ lineNo: rxLine.lineNo, quantity: 1 }], reason: 'one box not needed', to: 'wallet' },
        headers: key(),
      }),
    );
    expect(refund).toMatchObject({ amountMinor: 4000, order: { status: 'partially_refunded', refundedMinor: 4000 } });
    const tooMuch = await refusal(
      manager.POST('/v1/admin/orders/{id}/refunds', {
        params: { path: { id: order.id } },
        body: { amountMinor: 9000, reason: 'too much', to: 'wallet' },
        headers: key(),
      }),
    );
    expect([tooMuch.status, tooMuch.code]).toEqual([409, 'orders/refund-exceeds-captured']);
    const refunds = ok(await customer.GET('/v1/orders/{id}/refunds', { params: { path: { id: order.id } } }));
    expect(refunds.items.map((r) => r.amountMinor)).toEqual([4000]);
    expect(ok(await customer.GET('/v1/wallet', {})).balanceMinor).toBe(4000);
  });

  it('a rejected prescription cancels the order and gives a held wallet payment back', async () => {
    await creditWallet(g.t, ids.customer, 10_000);
    const before = ok(await customer.GET('/v1/wallet', {})).balanceMinor;
    ok(await setItem(ids.rx, 1));
    const photo = ok(
      await customer.POST('/v1/prescriptions/uploads', {
        body: { file: new File([PNG], 'blurry.png', { type: 'image/png' }) },
        bodySerializer: formData,
      }),
    );
    const order = ok(
      await customer.POST('/v1/orders', {
        body: { branchId: ids.branch, fulfilment: 'pickup', paymentMethod: 'wallet', prescriptionIds: [photo.id] },
        headers: key(),
      }),
    );
    expect(ok(await customer.GET('/v1/wallet', {})).balanceMinor).toBe(before - 4000);
    const rejected = ok(
      await pharmacist.POST('/v1/admin/orders/{id}/verify', {
        params: { path: { id: order.id } },
        body: { lines: [{ lineNo: 1, approved: false }], reason: 'The photo is unreadable' },
        headers: key(),
      }),
    );
    expect(rejected.status).toBe('cancelled');
    expect(ok(await customer.GET('/v1/wallet', {})).balanceMinor).toBe(before);
  });
});
