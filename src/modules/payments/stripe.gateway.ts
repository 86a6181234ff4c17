import Stripe from 'stripe';
import type { Config } from '../../config/index.js';
import {
  GatewayError,
  WebhookSignatureError,
  type CheckoutRequest,
  type CheckoutSession,
  type GatewayEvent,
  type GatewayEventKind,
  type GatewayRefund,
  type PaymentGateway,
} from './gateway.js';

type StripeSettings = Config['payments']['card']['stripe'];

/**
 * Stripe Checkout (hosted page, mode `payment`) through the official SDK. The session's id is the intent's
 * gateway ref; our intent id travels as `client_reference_id` and in the metadata, so an event names its
 * intent even before we stored the ref. Webhooks are verified by the SDK over the raw body
 * (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`, with a timestamp tolerance against replays).
 */
export class StripeGateway implements PaymentGateway {
  readonly name = 'stripe';
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    const base = settings.apiBaseUrl ? new URL(settings.apiBaseUrl) : undefined;
    this.stripe = new Stripe(settings.secretKey!, {
      maxNetworkRetries: 2,
      timeout: 20_000,
      telemetry: false,
      ...(base && {
        host: base.hostname,
        port: base.port || (base.protocol === 'https:' ? 443 : 80),
        protocol: base.protocol === 'https:' ? 'https' : 'http',
      }),
    });
  }

  async createCheckout(input: CheckoutRequest): Promise<CheckoutSession> {
    const session = await this.call(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          client_reference_id: input.intentId,
          metadata: { ...input.metadata, intentId: input.intentId },
          payment_intent_data: { metadata: { ...input.metadata, intentId: input.intentId } },
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: input.currency.toLowerCase(),
                unit_amount: input.amountMinor,
                product_data: { name: input.description },
              },
            },
          ],
          customer_email: input.customerEmail,
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          expires_at: Math.floor(input.expiresAt.getTime() / 1000),
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    if (!session.url) throw new GatewayError(`stripe: checkout session ${session.id} has no url`);
    return { gatewayRef: session.id, redirectUrl: session.url };
  }

  async expireCheckout(gatewayRef: string): Promise<void> {
    await this.call(() => this.stripe.checkout.sessions.expire(gatewayRef));
  }

  async refund(gatewayRef: string, amountMinor: number, idempotencyKey: string): Promise<GatewayRefund> {
    const session = await this.call(() => this.stripe.checkout.sessions.retrieve(gatewayRef));
    const paymentIntent =
      typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
    if (!paymentIntent) throw new GatewayError(`stripe: checkout session ${gatewayRef} has no payment to refund`);
    const refund = await this.call(() =>
      this.stripe.refunds.create(
        { payment_intent: paymentIntent, amount: amountMinor, metadata: { key: idempotencyKey } },
        { idempotencyKey },
      ),
    );
    return toRefund(refund);
  }

  async refundStatus(refundRef: string): Promise<GatewayRefund> {
    return toRefund(await this.call(() => this.stripe.refunds.retrieve(refundRef)));
  }

  parseWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): GatewayEvent {
    const header = headers['stripe-signature'];
    if (typeof header !== 'string' || header === '') throw new WebhookSignatureError('no Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        header,
        this.settings.webhookSecret!,
        this.settings.webhookToleranceSeconds,
      );
    } catch (err) {
      throw new WebhookSignatureError((err as Error).message);
    }
    const payload: unknown = JSON.parse(rawBody);
    if (!event.type.startsWith('checkout.session.'))
      return { id: event.id, type: event.type, kind: 'ignored', payload };
    const session = event.data.object as Stripe.Checkout.Session;
    return {
      id: event.id,
      type: event.type,
      kind: kindOf(event.type, session),
      gatewayRef: session.id,
      intentId: session.client_reference_id ?? session.metadata?.intentId ?? undefined,
      amountMinor: session.amount_total ?? undefined,
      currency: session.currency?.toUpperCase(),
      payload,
    };
  }

  /** Stripe's errors become GatewayError (its message names the cause for the log, never a card number). */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      const e = err as { type?: string; message?: string; statusCode?: number };
      throw new GatewayError(`stripe: ${e.type ?? 'error'} ${e.statusCode ?? ''} ${e.message ?? String(err)}`.trim());
    }
  }
}

/**
 * A completed session is paid when its payment status says so (card payments are); a delayed method (bank
 * debit) completes unpaid and reports later through async_payment_succeeded / _failed.
 */
function kindOf(type: string, session: Stripe.Checkout.Session): GatewayEventKind {
  switch (type) {
    case 'checkout.session.completed':
      return session.payment_status === 'paid' ? 'paid' : 'ignored';
    case 'checkout.session.async_payment_succeeded':
      return 'paid';
    case 'checkout.session.async_payment_failed':
      return 'failed';
    case 'checkout.session.expired':
      return 'expired';
    default:
      return 'ignored';
  }
}

/** Stripe's refund states: `succeeded`; `pending` / `requires_action` settle later; `failed` / `canceled` never. */
const toRefund = (refund: Stripe.Refund): GatewayRefund => ({
  refundRef: refund.id,
  status:
    refund.status === 'succeeded'
      ? 'succeeded'
      : refund.status === 'failed' || refund.status === 'canceled'
        ? 'failed'
        : 'pending',
});
