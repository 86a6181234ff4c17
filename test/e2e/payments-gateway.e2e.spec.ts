import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/kernel/auth/index.js';
import { OutboxService } from '../../src/kernel/events/index.js';
import { CardRefundsService } from '../../src/modules/payments/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { walletBalance } from '../support/stock-and-money.js';
import { FakeStripe, type FakeSession } from '../support/fake-stripe.js';
import { invariantViolations } from '../support/invariants.js';
import { quietAutomaticOffers } from '../factories/cart.factory.js';
import { createBranch, receive, type BranchBody } from '../factories/inventory.factory.js';
import { insertProduct } from '../factories/offers.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

/**
 * Card payments through the Stripe adapter against a local fake Stripe: wallet top-ups, card checkout, the
 * webhook (duplicated, parallel, late, out of order, forged) and refunds to the card.
 */
const MISSING = '0190a0c8-0000-7000-8000-00000000dead';
const WEBHOOK = '/v1/payments/webhooks/stripe';

let t: TestApp;
let stripe: FakeStripe;
let admin: string;
let branch: BranchBody;
/** A point no other spec uses (the shared database holds thousands of branches at the factories' default). */
const here = { lat: -35 - Math.random() * 5, lng: 140 + Math.random() * 5 };
beforeAll(async () => {
  stripe = await new FakeStripe().start();
  t = await bootTestApp({
    ...stripe.env(),
    TOP_UP_MIN_MINOR: '500',
    TOP_UP_MAX_MINOR: '100000',
    CARD_MIN_MINOR: '100',
    DELIVERY_FEE_MINOR: '1000',
    DELIVERY_FREE_ABOVE_MINOR: '0',
    DELIVERY_FEE_PER_KM_MINOR: '0',
    DATABASE_POOL_MAX: '12',
  });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  branch = await createBranch(t, admin, { ...here, deliveryRadiusKm: 10 });
  await quietAutomaticOffers(t);
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t.close();
  await stripe.stop();
});

const rows = async <T>(q: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;
const count = async (q: ReturnType<typeof sql>) => Number((await rows<{ n: string }>(q))[0]!.n);
const topUp = (token: string, body: unknown, key: string | null = `topup-${randomUUID()}`) =>
  t.http.request('POST', '/v1/wallet/top-up', { token, body, headers: key ? { 'idempotency-key': key } : {} });
const balance = (token: string) => walletBalance(t, token);
const deliver = (event: unknown, opts?: Parameters<FakeStripe['delivery']>[1]) => {
  const { raw, headers } = stripe.delivery(event, opts);
  return t.http.request('POST', WEBHOOK, { raw, headers });
};
const intentRow = async (id: string) =>
  (
    await rows<{ status: string; gateway_ref: string | null; paid_at: string | null }>(
      sql`select status, gateway_ref, paid_at from payment_intents where id = ${id}`,
    )
  )[0]!;
const paidEntries = (intentId: string) =>
  count(sql`select count(*) as n from journal_entries where key = ${`intent:${intentId}:paid`}`);

async function customer() {
  const u = await registerUser(t);
  return { token: u.accessToken, id: u.user.id };
}
async function pendingTopUp(token: string, amountMinor = 5000): Promise<{ intentId: string; session: FakeSession }> {
  const res = await topUp(token, { amountMinor });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { intentId: res.body.intentId, session: stripe.sessionOf(res.body.redirectUrl) };
}

describe('POST /v1/wallet/top-up', () => {
  it('opens a Stripe Checkout session for the amount and answers its page; a replay answers the same page', async () => {
    const c = await customer();
    const key = `topup-${randomUUID()}`;
    const res = await topUp(c.token, { amountMinor: 5000 }, key);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ intentId: expect.any(String), status: 'pending', redirectUrl: expect.any(String) });
    const session = stripe.sessionOf(res.body.redirectUrl);
    expect(session).toMatchObject({
      mode: 'payment',
      amount_total: 5000,
      currency: 'egp',
      client_reference_id: res.body.intentId,
      metadata: { intentId: res.body.intentId, purpose: 'wallet_top_up', customerId: c.id },
      success_url: 'https://app.medyour.test/payments/success?session={CHECKOUT_SESSION_ID}',
    });
    expect(session.expires_at * 1000).toBeGreaterThan(Date.now() + 29 * 60_000);
    const sent = stripe.requests.filter(
      (r) => r.path === '/v1/checkout/sessions' && r.body.client_reference_id === res.body.intentId,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.idempotencyKey).toMatch(new RegExp(`^intent:${res.body.intentId}:session:\\d+$`));

    const again = await topUp(c.token, { amountMinor: 5000 }, key);
    expect(again.body).toEqual(res.body);
    expect(await count(sql`select count(*) as n from payment_intents where customer_id = ${c.id}`)).toBe(1);

    const read = await t.http.get(`/v1/payments/intents/${res.body.intentId}`, c.token);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: res.body.intentId,
      purpose: 'wallet_top_up',
      orderId: null,
      amountMinor: 5000,
      currency: 'EGP',
      status: 'pending',
      redirectUrl: res.body.redirectUrl,
      paidAt: null,
    });
    expect(await balance(c.token)).toBe(0);
  });

  it('refuses bad input with 400 and creates nothing', async () => {
    const c = await customer();
    const cases: [unknown, string][] = [
      [{ amountMinor: 499 }, 'payments/amount-out-of-range'],
      [{ amountMinor: 100_001 }, 'payments/amount-out-of-range'],
      [{ amountMinor: 10.5 }, 'common/validation-failed'],
      [{ amountMinor: '5000' }, 'common/validation-failed'],
      [{ amountMinor: 5000, currency: 'USD' }, 'common/validation-failed'],
      [{}, 'common/validation-failed'],
    ];
    for (const [body, code] of cases) {
      const res = await topUp(c.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code, JSON.stringify(body)).toBe(code);
    }
    expect(await count(sql`select count(*) as n from payment_intents where customer_id = ${c.id}`)).toBe(0);
    expect((await topUp('', { amountMinor: 5000 })).status).toBe(401);
  });

  it('answers 503 when the gateway fails, charges nothing, and the page can be asked for again', async () => {
    const c = await customer();
    stripe.failSessions = 1;
    const res = await topUp(c.token, { amountMinor: 2000 });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('payments/gateway-unavailable');
    const [left] = await rows<{ id: string; status: string }>(
      sql`select id, status from payment_intents where customer_id = ${c.id}`,
    );
    expect(left?.status).toBe('created');
    const resumed = await t.http.request('POST', `/v1/payments/intents/${left!.id}/checkout`, {
      token: c.token,
      headers: { 'idempotency-key': `resume-${randomUUID()}` },
    });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(resumed.body).toMatchObject({ intentId: left!.id, status: 'pending', redirectUrl: expect.any(String) });
    expect(stripe.sessionOf(resumed.body.redirectUrl).amount_total).toBe(2000);
  });

  it("answers another customer's payment exactly like a missing one, and audits it", async () => {
    const a = await customer();
    const b = await customer();
    const { intentId } = await pendingTopUp(a.token);
    const theirs = await t.http.get(`/v1/payments/intents/${intentId}`, b.token);
    const missing = await t.http.get(`/v1/payments/intents/${MISSING}`, b.token);
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('payments/intent-not-found');
    expect({ ...theirs.body, requestId: 0, instance: 0 }).toEqual({ ...missing.body, requestId: 0, instance: 0 });
    const resume = await t.http.request('POST', `/v1/payments/intents/${intentId}/checkout`, { token: b.token });
    expect(resume.status).toBe(404);
    expect(
      await count(
        sql`select count(*) as n from audit_log where action = 'access.denied' and subject_id = ${intentId} and actor_id = ${b.id}`,
      ),
    ).toBe(2);
  });
});

describe('POST /v1/payments/webhooks/stripe', () => {
  it('credits the wallet once when the paid event arrives ten times at once, and again later', async () => {
    const c = await customer();
    const { intentId, session } = await pendingTopUp(c.token, 5000);
    const event = stripe.event('checkout.session.completed', stripe.pay(session.id));
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(event)));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    const outcomes = answers.map((r) => r.body.outcome as string);
    expect(outcomes.filter((o) => o.startsWith('paid: credited to the wallet'))).toHaveLength(1);
    expect(outcomes.filter((o) => o.startsWith('duplicate: paid'))).toHaveLength(9);
    expect((await deliver(event)).body.outcome).toMatch(/^duplicate: paid/);
    // Another event announcing the same payment (Stripe sends both for delayed methods) pays nothing more.
    const second = await deliver(stripe.event('checkout.session.async_payment_succeeded', session));
    expect(second.body.outcome).toBe('paid ignored: the payment is paid');

    expect(await balance(c.token)).toBe(5000);
    expect(await paidEntries(intentId)).toBe(1);
    expect(await intentRow(intentId)).toMatchObject({
      status: 'paid',
      gateway_ref: session.id,
      paid_at: expect.anything(),
    });
    expect(await count(sql`select count(*) as n from gateway_events where event_id = ${event.id}`)).toBe(1);
    const history = (await t.http.get('/v1/wallet', c.token)).body.entries.items;
    expect(history).toMatchObject([
      { kind: 'card.paid', amountMinor: 5000, refType: 'payment_intent', refId: intentId },
    ]);
    expect((await t.http.get(`/v1/payments/intents/${intentId}`, c.token)).body).toMatchObject({
      status: 'paid',
      redirectUrl: null,
      paidAt: expect.any(String),
    });
  });

  it('refuses a forged, missing, stale or foreign signature with 400 payments/bad-signature, audited, changing nothing', async () => {
    const c = await customer();
    const { intentId, session } = await pendingTopUp(c.token, 3000);
    const event = stripe.event('checkout.session.completed', stripe.pay(session.id));
    const good = stripe.delivery(event);
    const tampered = good.raw.replace('"amount_total": 3000', '"amount_total": 300000');
    const attempts: { raw: string; headers: Record<string, string> }[] = [
      { raw: good.raw, headers: { 'content-type': 'application/json' } },
      { raw: good.raw, headers: { ...good.headers, 'stripe-signature': 't=1,v1=deadbeef' } },
      stripe.delivery(event, { secret: 'whsec_someone_else' }),
      stripe.delivery(event, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      { raw: tampered, headers: good.headers },
    ];
    const auditsBefore = await count(
      sql`select count(*) as n from audit_log where action = 'payments.webhook_rejected'`,
    );
    for (const attempt of attempts) {
      const res = await t.http.request('POST', WEBHOOK, attempt);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('payments/bad-signature');
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const audits = await rows<{ outcome: string; actor_type: string; request_id: string; details: { reason: string } }>(
      sql`select outcome, actor_type, request_id, details from audit_log where action = 'payments.webhook_rejected' order by at desc, id desc limit 5`,
    );
    expect(await count(sql`select count(*) as n from audit_log where action = 'payments.webhook_rejected'`)).toBe(
      auditsBefore + attempts.length,
    );
    expect(audits[0]).toMatchObject({
      outcome: 'denied',
      actor_type: 'anonymous',
      details: { reason: expect.any(String) },
    });
    expect(await intentRow(intentId)).toMatchObject({ status: 'pending', paid_at: null });
    expect(await count(sql`select count(*) as n from gateway_events where event_id = ${event.id}`)).toBe(0);
    expect(await balance(c.token)).toBe(0);
    // The genuine delivery still works afterwards.
    expect((await t.http.request('POST', WEBHOOK, good)).body.outcome).toMatch(/^paid: credited/);
    expect(await balance(c.token)).toBe(3000);
  });

  it('changes nothing for an expiry or failure that arrives after the payment', async () => {
    const c = await customer();
    const { intentId, session } = await pendingTopUp(c.token, 4000);
    const paid = stripe.event('checkout.session.completed', stripe.pay(session.id));
    expect((await deliver(paid)).body.outcome).toMatch(/^paid: credited/);
    const expired = await deliver(stripe.event('checkout.session.expired', { ...session, status: 'expired' }));
    expect(expired.status).toBe(200);
    expect(expired.body.outcome).toBe('expired ignored: the payment is paid');
    const failed = await deliver(stripe.event('checkout.session.async_payment_failed', session));
    expect(failed.body.outcome).toBe('failed ignored: the payment is paid');
    expect(await intentRow(intentId)).toMatchObject({ status: 'paid' });
    expect(await balance(c.token)).toBe(4000);
    expect(await paidEntries(intentId)).toBe(1);
  });

  it('records an expiry, and still credits money the gateway reports paid after it', async () => {
    const c = await customer();
    const { intentId, session } = await pendingTopUp(c.token, 1500);
    expect(
      (await deliver(stripe.event('checkout.session.expired', { ...session, status: 'expired' }))).body.outcome,
    ).toBe('expired');
    expect(await intentRow(intentId)).toMatchObject({ status: 'expired' });
    const resume = await t.http.request('POST', `/v1/payments/intents/${intentId}/checkout`, { token: c.token });
    expect(resume.status).toBe(409);
    expect(resume.body.code).toBe('payments/intent-closed');
    expect((await deliver(stripe.event('checkout.session.completed', stripe.pay(session.id)))).body.outcome).toMatch(
      /^paid: credited/,
    );
    expect(await balance(c.token)).toBe(1500);
  });

  it('credits nothing for a paid amount other than the one asked, and ignores events it does not act on', async () => {
    const c = await customer();
    const { intentId, session } = await pendingTopUp(c.token, 2500);
    const odd = await deliver(
      stripe.event('checkout.session.completed', { ...stripe.pay(session.id), amount_total: 25 }),
    );
    expect(odd.body.outcome).toBe('amount mismatch: paid 25 EGP, asked 2500 EGP');
    expect(await intentRow(intentId)).toMatchObject({ status: 'pending' });
    const other = await deliver({ ...stripe.event('charge.succeeded', session), data: { object: { id: 'ch_1' } } });
    expect(other.body.outcome).toBe('ignored');
    const unpaid = await deliver(stripe.event('checkout.session.completed', { ...session, payment_status: 'unpaid' }));
    expect(unpaid.body.outcome).toBe('ignored');
    const stranger = await deliver(
      stripe.event('checkout.session.completed', {
        ...session,
        id: 'cs_test_unknown',
        client_reference_id: null,
        metadata: {},
      }),
    );
    expect(stranger.body.outcome).toBe('unknown intent');
    expect(await balance(c.token)).toBe(0);
    expect(await paidEntries(intentId)).toBe(0);
  });
});

describe('CardRefundsService.refundToCard', () => {
  it('moves wallet money back to the card once per key, never beyond what was paid, and sends it to Stripe', async () => {
    const c = await customer();
    const { intentId, session } = await pendingTopUp(c.token, 6000);
    await deliver(stripe.event('checkout.session.completed', stripe.pay(session.id)));
    const payments = t.app.get(CardRefundsService);
    const key = `test:${randomUUID()}:refund:card`;
    const refund = await payments.refundToCard({ intentId, amountMinor: 2000, key, actor: SYSTEM_ACTOR });
    expect(refund).toMatchObject({ intentId, amountMinor: 2000, status: 'requested', replayed: false });
    expect(await balance(c.token)).toBe(4000);
    expect((await payments.refundToCard({ intentId, amountMinor: 2000, key, actor: SYSTEM_ACTOR })).replayed).toBe(
      true,
    );
    expect(await balance(c.token)).toBe(4000);

    stripe.failRefunds = 1;
    expect((await payments.sendRefund(refund.id)).status).toBe('requested');
    const refundRow = async () =>
      (
        await rows<{ status: string; last_error: string | null }>(
          sql`select status, last_error from card_refunds where id = ${refund.id}`,
        )
      )[0]!;
    expect(await refundRow()).toMatchObject({
      status: 'requested',
      last_error: expect.stringContaining('fake outage'),
    });
    // The job sends what the gateway has not confirmed (here: anything last tried before now).
    expect(await payments.sendPendingRefunds(-1000)).toBeGreaterThanOrEqual(1);
    expect(await refundRow()).toMatchObject({ status: 'succeeded', last_error: null });
    expect(stripe.refunds.filter((r) => r.payment_intent === session.payment_intent)).toMatchObject([{ amount: 2000 }]);
    expect((await payments.sendRefund(refund.id)).replayed).toBe(true);

    await expect(
      payments.refundToCard({
        intentId,
        amountMinor: 4001,
        key: `test:${randomUUID()}:refund:card`,
        actor: SYSTEM_ACTOR,
      }),
    ).rejects.toMatchObject({ code: 'payments/refund-exceeds-paid', details: { max: 4000 } });
    await expect(
      payments.refundToCard({ intentId: MISSING, amountMinor: 1, key: `test:${randomUUID()}`, actor: SYSTEM_ACTOR }),
    ).rejects.toMatchObject({ code: 'payments/not-paid-by-card' });
    expect(await balance(c.token)).toBe(4000);
  });
});

describe('card refunds the bank settles later, or refuses', () => {
  it('asks about a pending refund until it settles, and gives a failed one back to the wallet once', async () => {
    const c = await customer();
    const { intentId, session } = await pendingTopUp(c.token, 5000);
    await deliver(stripe.event('checkout.session.completed', stripe.pay(session.id)));
    const payments = t.app.get(CardRefundsService);
    const refundRow = async (id: string) =>
      (
        await rows<{ status: string; gateway_refund_ref: string | null }>(
          sql`select status, gateway_refund_ref from card_refunds where id = ${id}`,
        )
      )[0]!;

    stripe.refundStatus = 'pending';
    const pending = await payments.refundToCard({
      intentId,
      amountMinor: 1000,
      key: `test:${randomUUID()}`,
      actor: SYSTEM_ACTOR,
    });
    expect((await payments.sendRefund(pending.id)).status).toBe('requested');
    const ref = (await refundRow(pending.id)).gateway_refund_ref!;
    expect(ref).toMatch(/^re_/);
    stripe.refunds.find((r) => r.id === ref)!.status = 'succeeded';
    expect((await payments.sendRefund(pending.id)).status).toBe('succeeded');
    // Asked about, never created twice.
    expect(stripe.refunds.filter((r) => r.payment_intent === session.payment_intent)).toHaveLength(1);
    expect(stripe.requests.filter((r) => r.method === 'GET' && r.path === `/v1/refunds/${ref}`)).toHaveLength(1);

    stripe.refundStatus = 'failed';
    const failing = await payments.refundToCard({
      intentId,
      amountMinor: 1500,
      key: `test:${randomUUID()}`,
      actor: SYSTEM_ACTOR,
    });
    expect(await balance(c.token)).toBe(2500);
    expect((await payments.sendRefund(failing.id)).status).toBe('failed');
    expect(await refundRow(failing.id)).toMatchObject({ status: 'failed' });
    expect(await balance(c.token)).toBe(4000);
    expect((await payments.sendRefund(failing.id)).replayed).toBe(true);
    expect(await balance(c.token)).toBe(4000);
    expect(await count(sql`select count(*) as n from journal_entries where key = ${`${failing.key}:reversed`}`)).toBe(
      1,
    );
    stripe.refundStatus = 'succeeded';
    // What failed is refundable again: 4000 of the 5000 are still on the card.
    await expect(
      payments.refundToCard({ intentId, amountMinor: 4001, key: `test:${randomUUID()}`, actor: SYSTEM_ACTOR }),
    ).rejects.toMatchObject({ code: 'payments/refund-exceeds-paid', details: { max: 4000 } });
  });
});

describe('card checkout: POST /v1/orders with paymentMethod card', () => {
  async function cartWith(token: string, priceMinor: number, quantity = 2, stock = 5) {
    const p = await insertProduct(t, { priceMinor });
    await receive(t, admin, branch.id, { productId: p.id, quantity: stock });
    expect((await t.http.request('PUT', `/v1/cart/items/${p.id}`, { token, body: { quantity } })).status).toBe(200);
    return p.id;
  }
  const checkout = (token: string, body: Record<string, unknown> = {}, key = `card-${randomUUID()}`) =>
    t.http.request('POST', '/v1/orders', {
      token,
      body: { branchId: branch.id, fulfilment: 'pickup', paymentMethod: 'card', ...body },
      headers: { 'idempotency-key': key },
    });
  const reserved = async (productId: string) =>
    Number(
      (
        await rows<{ r: string }>(
          sql`select coalesce(sum(reserved), 0) as r from stock_lots where product_id = ${productId}`,
        )
      )[0]!.r,
    );
  const order = async (id: string) =>
    (await rows<{ status: string; version: number }>(sql`select status, version from orders where id = ${id}`))[0]!;
  const entries = (pattern: string) => count(sql`select count(*) as n from journal_entries where key like ${pattern}`);
  const updates = (orderId: string, to: string) =>
    count(
      sql`select count(*) as n from outbox where topic = 'order.updated' and payload->>'orderId' = ${orderId} and payload->>'to' = ${to}`,
    );

  it('places the order pending_payment with its stock reserved, and duplicated webhooks confirm it once, paid from the wallet', async () => {
    const c = await customer();
    const productId = await cartWith(c.token, 3000, 2);
    const key = `card-${randomUUID()}`;
    const res = await checkout(c.token, {}, key);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      status: 'pending_payment',
      paymentMethod: 'card',
      totalMinor: 6000,
      payment: { intentId: expect.any(String), status: 'pending', redirectUrl: expect.any(String) },
    });
    expect(await reserved(productId)).toBe(2);
    const session = stripe.sessionOf(res.body.payment.redirectUrl);
    expect(session).toMatchObject({ amount_total: 6000, metadata: { purpose: 'order', ref: res.body.id } });
    // The same key again answers the same order and the same page.
    expect((await checkout(c.token, {}, key)).body).toEqual(res.body);
    expect(await count(sql`select count(*) as n from orders where customer_id = ${c.id}`)).toBe(1);

    const paid = stripe.event('checkout.session.completed', stripe.pay(session.id));
    const answers = await Promise.all([...Array.from({ length: 6 }, () => deliver(paid)), deliver(paid)]);
    const outcomes = answers.map((a) => a.body.outcome as string);
    expect(outcomes.filter((o) => o === 'paid: credited to the wallet; order confirmed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.startsWith('duplicate: paid'))).toHaveLength(6);
    expect((await deliver(paid)).body.outcome).toMatch(/^duplicate/);

    const read = await t.http.get(`/v1/orders/${res.body.id}`, c.token);
    expect(read.body.status).toBe('confirmed');
    expect(read.body.payment).toBeUndefined();
    expect(await balance(c.token)).toBe(0);
    const wallet = (await t.http.get('/v1/wallet', c.token)).body.entries.items;
    expect(wallet.map((e: { kind: string; amountMinor: number }) => [e.kind, e.amountMinor])).toEqual([
      ['order.capture', -6000],
      ['card.paid', 6000],
    ]);
    expect(await entries(`order:${res.body.id}:capture`)).toBe(1);
    expect(await paidEntries(res.body.payment.intentId)).toBe(1);
    const steps = await rows<{ from_status: string | null; to_status: string; actor_id: string | null }>(
      sql`select from_status, to_status, actor_id from order_transitions where order_id = ${res.body.id} order by at, id`,
    );
    expect(steps).toEqual([
      { from_status: null, to_status: 'pending_payment', actor_id: c.id },
      { from_status: 'pending_payment', to_status: 'confirmed', actor_id: null },
    ]);
    expect(await updates(res.body.id, 'confirmed')).toBe(1);
    expect(await reserved(productId)).toBe(2);

    // Out of order: the session's expiry after the payment changes nothing.
    const late = await deliver(stripe.event('checkout.session.expired', { ...session, status: 'expired' }));
    expect(late.body.outcome).toBe('expired ignored: the payment is paid');
    expect(await order(res.body.id)).toMatchObject({ status: 'confirmed' });

    // Cancelling the paid order gives the money back to the wallet (where the card payment landed).
    const cancelled = await t.http.request('POST', `/v1/orders/${res.body.id}/cancel`, { token: c.token, body: {} });
    expect(cancelled.body.status).toBe('cancelled');
    expect(await balance(c.token)).toBe(6000);
    expect(await reserved(productId)).toBe(0);
  });

  it('keeps a late payment for a cancelled order in the wallet and leaves the order as it is', async () => {
    const c = await customer();
    const productId = await cartWith(c.token, 2500, 1);
    const res = await checkout(c.token);
    expect(res.status).toBe(201);
    const cancelled = await t.http.request('POST', `/v1/orders/${res.body.id}/cancel`, { token: c.token, body: {} });
    expect(cancelled.body.status).toBe('cancelled');
    expect(await reserved(productId)).toBe(0);
    const before = await order(res.body.id);
    // After commit, the cancellation's event closes the checkout page at the gateway and expires the intent.
    const session = stripe.sessionOf(res.body.payment.redirectUrl);
    await t.app.get(OutboxService).relay();
    expect(session.status).toBe('expired');
    expect(await intentRow(res.body.payment.intentId)).toMatchObject({ status: 'expired' });
    expect(stripe.requests.filter((r) => r.path === `/v1/checkout/sessions/${session.id}/expire`)).toHaveLength(1);
    await t.app.get(OutboxService).relay();
    expect(stripe.requests.filter((r) => r.path === `/v1/checkout/sessions/${session.id}/expire`)).toHaveLength(1);

    // A payment that slipped through before the page closed (Stripe reports it anyway) stays in the wallet.
    const paid = stripe.event('checkout.session.completed', stripe.pay(session.id));
    const first = await deliver(paid);
    expect(first.body.outcome).toBe('paid: credited to the wallet; order cancelled: the money stays in the wallet');
    expect((await deliver(paid)).body.outcome).toMatch(/^duplicate: paid/);
    expect(await order(res.body.id)).toEqual(before);
    expect(await balance(c.token)).toBe(2500);
    expect(await entries(`order:${res.body.id}:capture`)).toBe(0);
    expect(await intentRow(res.body.payment.intentId)).toMatchObject({ status: 'paid' });
  });

  it('answers the order without a page when the gateway fails, and the page can be asked for again', async () => {
    const c = await customer();
    await cartWith(c.token, 4000, 1);
    stripe.failSessions = 1;
    const res = await checkout(c.token, {
      fulfilment: 'delivery',
      address: { lat: here.lat + 0.01, lng: here.lng, line1: '1 Harbour Road' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      status: 'pending_payment',
      totalMinor: 5000,
      payment: { status: 'created', redirectUrl: null },
    });
    const resumed = await t.http.request('POST', `/v1/payments/intents/${res.body.payment.intentId}/checkout`, {
      token: c.token,
    });
    expect(resumed.body).toMatchObject({ status: 'pending', redirectUrl: expect.any(String) });
    const session = stripe.sessionOf(resumed.body.redirectUrl);
    expect(session.amount_total).toBe(5000);
    await deliver(stripe.event('checkout.session.completed', stripe.pay(session.id)));
    expect(await order(res.body.id)).toMatchObject({ status: 'confirmed' });
    expect(await balance(c.token)).toBe(0);
  });

  it('makes a new checkout page for an order whose first one expired (POST /v1/orders/:id/payment), for its owner only', async () => {
    const c = await customer();
    await cartWith(c.token, 3500, 1);
    const res = await checkout(c.token);
    const first = stripe.sessionOf(res.body.payment.redirectUrl);
    const pay = (token: string, id = res.body.id as string) =>
      t.http.request('POST', `/v1/orders/${id}/payment`, {
        token,
        headers: { 'idempotency-key': `pay-${randomUUID()}` },
      });
    // While the first page is open, the same page.
    expect((await pay(c.token)).body).toEqual(res.body.payment);
    expect(
      (await deliver(stripe.event('checkout.session.expired', { ...first, status: 'expired' }))).body.outcome,
    ).toBe('expired');
    const again = await pay(c.token);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ status: 'pending', redirectUrl: expect.any(String) });
    expect(again.body.intentId).not.toBe(res.body.payment.intentId);
    const second = stripe.sessionOf(again.body.redirectUrl);
    expect(second.amount_total).toBe(3500);

    const other = await customer();
    const theirs = await pay(other.token);
    const missing = await pay(other.token, MISSING);
    expect(theirs.status).toBe(404);
    expect({ ...theirs.body, requestId: 0, instance: 0 }).toEqual({ ...missing.body, requestId: 0, instance: 0 });

    await deliver(stripe.event('checkout.session.completed', stripe.pay(second.id)));
    expect(await order(res.body.id)).toMatchObject({ status: 'confirmed' });
    expect(await balance(c.token)).toBe(0);
    const done = await pay(c.token);
    expect([done.status, done.body.code]).toEqual([409, 'orders/not-awaiting-payment']);
    // A late payment of the expired first page lands in the wallet; the order was paid once.
    expect((await deliver(stripe.event('checkout.session.completed', stripe.pay(first.id)))).body.outcome).toBe(
      'paid: credited to the wallet; order confirmed: the money stays in the wallet',
    );
    expect(await balance(c.token)).toBe(3500);
    expect(await entries(`order:${res.body.id}:capture`)).toBe(1);
  });

  it('refuses a total the gateway cannot take, leaving cart, stock and orders as they were', async () => {
    const c = await customer();
    const productId = await cartWith(c.token, 40, 1);
    const res = await checkout(c.token);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('payments/amount-out-of-range');
    expect(await count(sql`select count(*) as n from orders where customer_id = ${c.id}`)).toBe(0);
    expect(await count(sql`select count(*) as n from payment_intents where customer_id = ${c.id}`)).toBe(0);
    expect(await reserved(productId)).toBe(0);
    expect((await t.http.get('/v1/cart', c.token)).body.items).toHaveLength(1);
    const unknown = await checkout(c.token, { paymentMethod: 'card', cardNumber: '4242424242424242' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('common/validation-failed');
  });
});

describe('without a card gateway (the default)', () => {
  let plain: TestApp;
  beforeAll(async () => {
    plain = await bootTestApp();
  });
  afterAll(async () => {
    await plain.close();
  });

  it('refuses top-ups with 400 payments/card-unavailable and every webhook as unsigned', async () => {
    const u = await registerUser(plain);
    const res = await plain.http.request('POST', '/v1/wallet/top-up', {
      token: u.accessToken,
      body: { amountMinor: 5000 },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('payments/card-unavailable');
    const order = await plain.http.request('POST', '/v1/orders', {
      token: u.accessToken,
      body: { fulfilment: 'pickup', paymentMethod: 'card' },
    });
    expect(order.status).toBe(400);
    expect(order.body).toMatchObject({ code: 'payments/card-unavailable', errors: [{ field: 'paymentMethod' }] });
    const hook = stripe.delivery({ id: 'evt_x', type: 'checkout.session.completed', data: { object: {} } });
    const answer = await plain.http.request('POST', WEBHOOK, hook);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('payments/bad-signature');
  });
});
