import { z } from 'zod';
import { idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';

export const walletQuery = pageQuery;
export type WalletQuery = z.infer<typeof walletQuery>;

export const walletIdParam = idSchema;

/** A support correction is at most this many minor units either way (10 million in a 2-decimal currency). */
export const MAX_ADJUSTMENT_MINOR = 1_000_000_000;

export const adjustmentBody = z.strictObject({
  /** Positive credits the wallet, negative takes money back (never below zero). */
  amountMinor: z
    .number()
    .int()
    .min(-MAX_ADJUSTMENT_MINOR)
    .max(MAX_ADJUSTMENT_MINOR)
    .refine((n) => n !== 0, { message: 'must not be zero' }),
  /** Shown to the customer in their wallet history, and kept in the audit log. */
  reason: z.string().trim().min(3).max(500),
});
export type AdjustmentBody = z.infer<typeof adjustmentBody>;

// ---- responses
export const walletEntryView = z.object({
  /** The posting's id (the cursor position). */
  id: z.string(),
  entryId: z.string(),
  kind: z.string(),
  /** Signed from the customer's side: money in is positive, money out negative. */
  amountMinor: z.number().int(),
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  memo: z.string().nullable(),
  createdAt: z.string(),
});
export type WalletEntryView = z.infer<typeof walletEntryView>;

export const walletView = z.object({
  balanceMinor: z.number().int(),
  currency: z.string(),
  entries: pageSchema(walletEntryView),
});
export type WalletView = z.infer<typeof walletView>;

export const adjustmentView = z.object({
  entryId: z.string(),
  userId: z.string(),
  amountMinor: z.number().int(),
  balanceMinor: z.number().int(),
  currency: z.string(),
  /** True when this Idempotency-Key had already made the correction: nothing moved this time. */
  replayed: z.boolean(),
});
export type AdjustmentView = z.infer<typeof adjustmentView>;

// ---- card payments
export const intentIdParam = idSchema;

/** A top-up by card; TOP_UP_MIN_MINOR..TOP_UP_MAX_MINOR is checked by the service (400 payments/amount-out-of-range). */
export const topUpBody = z.strictObject({
  amountMinor: z.number().int().min(1).max(MAX_ADJUSTMENT_MINOR),
});
export type TopUpBody = z.infer<typeof topUpBody>;

const INTENT_STATUS = ['created', 'pending', 'paid', 'failed', 'expired'] as const;

/** What a client needs to send the customer to the gateway's page (an order's or a top-up's). */
export const checkoutPaymentView = z
  .object({
    intentId: z.string(),
    /** `pending`: the page is ready at redirectUrl; `created`: the gateway did not answer, retry the checkout. */
    status: z.enum(INTENT_STATUS),
    redirectUrl: z.string().nullable(),
  })
  .meta({ id: 'CardPayment' });
export type CheckoutPaymentView = z.infer<typeof checkoutPaymentView>;

export const intentView = z.object({
  id: z.string(),
  purpose: z.enum(['order', 'wallet_top_up', 'appointment']),
  /** The order an order's payment pays; null for a top-up. */
  orderId: z.string().nullable(),
  /** The appointment an appointment's payment pays; null otherwise. */
  appointmentId: z.string().nullable(),
  amountMinor: z.number().int(),
  currency: z.string(),
  status: z.enum(INTENT_STATUS),
  redirectUrl: z.string().nullable(),
  paidAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type IntentView = z.infer<typeof intentView>;

export const webhookAnswer = z.object({ received: z.literal(true), outcome: z.string() });
export type WebhookAnswer = z.infer<typeof webhookAnswer>;
