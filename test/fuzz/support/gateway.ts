import { randomUUID } from 'node:crypto';
import { FakeStripe } from '../../support/fake-stripe.js';
import type { World } from './world.js';

/** The fuzz app's card gateway: a fake Stripe the spec starts before it boots the app (CARD_GATEWAY=stripe). */
export const fuzzStripe = new FakeStripe();

/**
 * A genuine webhook delivery: a top-up by the world's admin, paid on the fake's page, its completed event
 * signed as Stripe signs. Each call is a new payment (a repeated one would only answer `duplicate`).
 */
export async function paidWebhook(w: World): Promise<{ payload: string; headers: Record<string, string> }> {
  const res = await w.t.http.request('POST', '/v1/wallet/top-up', {
    token: w.admin.accessToken,
    body: { amountMinor: 1500 },
    headers: { 'idempotency-key': `fuzz-${randomUUID()}` },
  });
  if (res.status !== 201) throw new Error(`top-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  const session = fuzzStripe.pay(fuzzStripe.sessionOf(res.body.redirectUrl as string).id);
  const { raw, headers } = fuzzStripe.delivery(fuzzStripe.event('checkout.session.completed', session));
  return { payload: raw, headers };
}
