/**
 * What the payments module needs from a card gateway with a hosted checkout page (Stripe Checkout, Paymob's
 * iframe, ...). One adapter is bound at a time (CARD_GATEWAY); the rest of the code names only this.
 */
export interface PaymentGateway {
  /** The adapter's name, stored with every intent and event (`stripe`). */
  readonly name: string;
  /**
   * A hosted checkout page for `amountMinor` of `currency`. `idempotencyKey` makes a retry of the same
   * request answer the same page (the gateway's own idempotency), so a lost answer never makes two pages.
   */
  createCheckout(input: CheckoutRequest): Promise<CheckoutSession>;
  /** Closes a checkout page nobody paid yet (its order was cancelled); refused when it is no longer open. */
  expireCheckout(gatewayRef: string): Promise<void>;
  /** Gives `amountMinor` of the payment behind `gatewayRef` back to the card; once per `idempotencyKey`. */
  refund(gatewayRef: string, amountMinor: number, idempotencyKey: string): Promise<GatewayRefund>;
  /** Where a refund the gateway accepted stands now (a card refund may settle later, or fail). */
  refundStatus(refundRef: string): Promise<GatewayRefund>;
  /**
   * Verifies the webhook's signature over the raw body and normalises the event. Throws
   * `WebhookSignatureError` for a missing, forged, malformed or stale signature.
   */
  parseWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): GatewayEvent;
}

export interface CheckoutRequest {
  intentId: string;
  amountMinor: number;
  currency: string;
  /** What the customer reads on the page (`Order 0190…`, `Wallet top-up`). */
  description: string;
  customerEmail?: string;
  metadata: Record<string, string>;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
  idempotencyKey: string;
}

export interface GatewayRefund {
  refundRef: string;
  /** `pending`: accepted, not settled yet (asked again later); `failed`: the card took nothing back. */
  status: 'succeeded' | 'pending' | 'failed';
}

export interface CheckoutSession {
  gatewayRef: string;
  redirectUrl: string;
}

/** Our names for what an event means; everything else is `ignored` (recorded, acts on nothing). */
export type GatewayEventKind = 'paid' | 'failed' | 'expired' | 'ignored';

export interface GatewayEvent {
  /** The gateway's event id (deliveries of one event share it). */
  id: string;
  /** The gateway's own type, kept for the record (`checkout.session.completed`). */
  type: string;
  kind: GatewayEventKind;
  /** The checkout this event is about (undefined for events about other objects). */
  gatewayRef?: string;
  /** Our intent id, as we gave it to the gateway (client reference / metadata). */
  intentId?: string;
  amountMinor?: number;
  /** Upper-case ISO 4217. */
  currency?: string;
  /** The event as received (stored with it). */
  payload: unknown;
}

export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

/** The gateway refused or could not be reached; the message is for the log, never for the customer. */
export class GatewayError extends Error {
  override name = 'GatewayError';
}

/** The Nest token of the bound adapter (undefined when CARD_GATEWAY=none). */
export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');
