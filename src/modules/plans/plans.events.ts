/** Outbox topics of the plans module (notifications delivers them). */
export const PlanEvents = {
  /**
   * Every change a subscriber cares about: subscribed, renewed, past_due, back to active, cancel requested,
   * cancelled, expired. { subscriptionId, customerId, planId, status, from, change, periodNo, currentPeriodEnd }.
   */
  subscriptionUpdated: 'subscription.updated',
} as const;

/** What happened to a subscription, in `subscription.updated`'s `change`. */
export type SubscriptionChange =
  'subscribed' | 'renewed' | 'renewal_failed' | 'reactivated' | 'cancel_requested' | 'cancelled' | 'expired';
