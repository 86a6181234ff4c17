import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type MedyourClient } from '../../clients/typescript/src/index.js';
import { buildCategory, buildProduct } from '../factories/catalog.factory.js';
import { quietAutomaticOffers } from '../factories/cart.factory.js';
import { buildBranch, inDays } from '../factories/inventory.factory.js';
import { PASSWORD } from '../factories/user.factory.js';
import { FakeStripe } from '../support/fake-stripe.js';
import { bootGolden, refusal, type Golden } from './support/golden.js';

/**
 * Golden flow: paying an order by card through @medyour/client, with the gateway a local fake Stripe whose
 * webhooks reach the app over its real port, duplicated; and a wallet top-up the same way.
 */
let g: Golden;
let stripe: FakeStripe;
let customer: MedyourClient;
const ids = { branch: '', product: '' };
/** A point no other spec uses: the suite's database holds thousands of branches at the factories' default. */
const here = { lat: -40 - Math.random() * 5, lng: 150 + Math.random() * 5 };

beforeAll(async () => {
  stripe = await new FakeStripe().start();
  g = await bootGolden({ ...stripe.env(), DELIVERY_FEE_MINOR: '1500', DELIVERY_FREE_ABOVE_MINOR: '0' });
  await quietAutomaticOffers(g.t);
  const admin = (await g.staffClient([{ role: 'admin', branchId: null }])).client;
  ids.branch = ok(await admin.POST('/v1/admin/branches', { body: buildBranch({ deliveryRadiusKm: 8, ...here }) })).id;
  const categoryId = ok(await admin.POST('/v1/admin/categories', { body: buildCategory() })).id;
  ids.product = ok(await admin.POST('/v1/admin/products', { body: buildProduct(categoryId, { priceMinor: 4000 }) })).id;
  ok(
    await admin.POST('/v1/admin/branches/{id}/stock/receive', {
      params: { path: { id: ids.branch } },
      body: { productId: ids.product, lotNumber: 'CARD-1', expiresOn: inDays(365), quantity: 5 },
    }),
  );
  customer = g.newClient();
  ok(
    await customer.POST('/v1/auth/register', {
      body: { name: 'Card Payer', email: `card-${randomUUID().slice(0, 8)}@example.com`, password: PASSWORD },
    }),
  );
});
afterAll(async () => {
  await g.close();
  await stripe.stop();
});

/** Stripe calling our webhook over HTTP, as it would from outside. */
async function stripeDelivers(event: unknown): Promise<{ status: number; outcome: string }> {
  const { raw, headers } = stripe.delivery(event);
  const res = await fetch(`${g.baseUrl}/v1/payments/webhooks/stripe`, { method: 'POST', headers, body: raw });
  return { status: res.status, outcome: ((await res.json()) as { outcome: string }).outcome };
}
const key = () => ({ 'Idempotency-Key': `golden-${randomUUID()}` });

describe('golden flow: card payments through @medyour/client', () => {
  it('pays a delivery by card on the hosted page; duplicated webhooks confirm it once', async () => {
    ok(
      await customer.PUT('/v1/cart/items/{productId}', {
        params: { path: { productId: ids.product } },
        body: { quantity: 2 },
      }),
    );
    const order = ok(
      await customer.POST('/v1/orders', {
        params: { header: key() },
        body: {
          fulfilment: 'delivery',
          paymentMethod: 'card',
          address: { lat: here.lat + 0.01, lng: here.lng, line1: '3 Corniche Road' },
        },
      }),
    );
    expect(order).toMatchObject({ status: 'pending_payment', branchId: ids.branch, totalMinor: 9500 });
    expect(order.payment).toMatchObject({ status: 'pending', redirectUrl: expect.stringContaining('checkout') });
    const payment = ok(
      await customer.GET('/v1/payments/intents/{id}', { params: { path: { id: order.payment!.intentId } } }),
    );
    expect(payment).toMatchObject({ purpose: 'order', orderId: order.id, amountMinor: 9500, status: 'pending' });

    // The customer pays on Stripe's page; Stripe delivers the event twice at once, and once more later.
    const session = stripe.pay(stripe.sessionOf(order.payment!.redirectUrl!).id);
    const event = stripe.event('checkout.session.completed', session);
    const deliveries = await Promise.all([stripeDelivers(event), stripeDelivers(event)]);
    deliveries.push(await stripeDelivers(event));
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(deliveries.filter((d) => d.outcome === 'paid: credited to the wallet; order confirmed')).toHaveLength(1);

    const confirmed = ok(await customer.GET('/v1/orders/{id}', { params: { path: { id: order.id } } }));
    expect(confirmed.status).toBe('confirmed');
    const wallet = ok(await customer.GET('/v1/wallet', {}));
    expect(wallet.balanceMinor).toBe(0);
    expect(wallet.entries.items.map((e) => [e.kind, e.amountMinor])).toEqual([
      ['order.capture', -9500],
      ['card.paid', 9500],
    ]);
    expect(ok(await customer.GET('/v1/payments/intents/{id}', { params: { path: { id: payment.id } } })).status).toBe(
      'paid',
    );
  });

  it('tops the wallet up by card, once however often Stripe says so, and refuses a forged webhook', async () => {
    const page = ok(
      await customer.POST('/v1/wallet/top-up', { params: { header: key() }, body: { amountMinor: 2500 } }),
    );
    expect(page).toMatchObject({ status: 'pending', redirectUrl: expect.any(String) });
    const session = stripe.pay(stripe.sessionOf(page.redirectUrl!).id);
    const event = stripe.event('checkout.session.completed', session);

    const forged = stripe.delivery(event, { secret: 'whsec_not_ours' });
    const refused = await fetch(`${g.baseUrl}/v1/payments/webhooks/stripe`, {
      method: 'POST',
      headers: forged.headers,
      body: forged.raw,
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe('payments/bad-signature');
    expect(ok(await customer.GET('/v1/wallet', {})).balanceMinor).toBe(0);

    await Promise.all([stripeDelivers(event), stripeDelivers(event)]);
    expect(ok(await customer.GET('/v1/wallet', {})).balanceMinor).toBe(2500);
    expect(
      await refusal(customer.POST('/v1/wallet/top-up', { params: { header: key() }, body: { amountMinor: 1 } })),
    ).toMatchObject({ status: 400, code: 'payments/amount-out-of-range' });
  });
});
