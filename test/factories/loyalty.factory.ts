import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app.factory.js';
import { SYSTEM_ACTOR } from '../../src/kernel/auth/index.js';
import { LoyaltyService } from '../../src/modules/loyalty/index.js';

/**
 * Gives the customer `points` as if an order (`orderId`, a fresh id by default) had completed: one lot through
 * LoyaltyService.earnForOrder, at the app's earn rate. Answers the order id the points name.
 */
export async function earnPoints(
  t: Pick<App, 'app'>,
  customerId: string,
  points: number,
  orderId: string = randomUUID(),
): Promise<string> {
  const loyalty = t.app.get(LoyaltyService);
  const { earnPoints: per, earnPerMinor } = loyalty.terms;
  if (points % per !== 0) throw new Error(`points must be a multiple of LOYALTY_EARN_POINTS (${per})`);
  const unitPriceMinor = (points / per) * earnPerMinor;
  const earned = await loyalty.earnForOrder(
    {
      orderId,
      customerId,
      lines: [{ unitPriceMinor, quantity: 1, discountMinor: 0, rxRequired: false }],
      spentValueMinor: 0,
    },
    SYSTEM_ACTOR,
  );
  if (earned !== points) throw new Error(`earned ${earned} points, not ${points}`);
  return orderId;
}
