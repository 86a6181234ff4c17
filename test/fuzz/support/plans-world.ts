import { sql } from 'drizzle-orm';
import { insertPlan, subscribeToFreePlan } from '../../factories/plans.factory.js';
import type { World } from './world.js';

/**
 * Plans: a free plan per request (no wallet needed). The admin (the fuzzer's caller) holds at most one live
 * subscription, so a request that needs one ends the admin's current one first (as the renewal job would).
 */
const endAdminSubscription = (w: World) =>
  w.t.database.db.execute(
    sql`update subscriptions set status = 'expired', ended_at = now()
        where customer_id = ${w.admin.user.id} and status in ('active', 'past_due')`,
  );
const adminSubscription = async (w: World) => {
  await endAdminSubscription(w);
  return { id: await subscribeToFreePlan(w.t, w.admin.accessToken) };
};

export const PLANS_HINTS = {
  'POST /v1/subscriptions': {
    body: async (w: World) => {
      await endAdminSubscription(w);
      return { planId: await insertPlan(w.t), paymentMethod: 'wallet' };
    },
  },
  'POST /v1/subscriptions/{id}/cancel': { owned: true, params: adminSubscription },
  'PATCH /v1/admin/plans/{id}': { params: async (w: World) => ({ id: await insertPlan(w.t) }) },
};
