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
