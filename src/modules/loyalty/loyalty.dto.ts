import { z } from 'zod';
import { pageQuery, pageSchema } from '../../kernel/http/index.js';

export const loyaltyQuery = pageQuery;
export type LoyaltyQuery = z.infer<typeof loyaltyQuery>;

// ---- responses
export const loyaltyEntryView = z.object({
  /** The posting's id (the cursor position). */
  id: z.string(),
  entryId: z.string(),
  /** `loyalty.earn`, `loyalty.redeem`, `loyalty.return`, `loyalty.reverse`, `loyalty.refund_return`, `loyalty.expire`. */
  kind: z.string(),
  /** Signed from the customer's side: points in are positive, points out negative. */
  points: z.number().int(),
  /** The order the points came from or went to (null for an expiry). */
  orderId: z.string().nullable(),
  createdAt: z.string(),
});
export type LoyaltyEntryView = z.infer<typeof loyaltyEntryView>;

export const loyaltyView = z
  .object({
    /** Points the customer can spend now. */
    balance: z.number().int(),
    /** What one point takes off an order, in minor units of `currency`. */
    pointValueMinor: z.number().int(),
    currency: z.string(),
    /** The soonest expiry among the points held, and how many expire then; null when none are held. */
    nextExpiry: z.object({ points: z.number().int(), at: z.string() }).nullable(),
    history: pageSchema(loyaltyEntryView),
  })
  .meta({ id: 'Loyalty' });
export type LoyaltyView = z.infer<typeof loyaltyView>;
