import { defineMachine } from '../../kernel/state-machine.js';

export const SUBSCRIPTION_STATUSES = ['active', 'past_due', 'cancelled', 'expired'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
/** The states the one-per-customer unique index covers (migration 0026). */
export const LIVE_STATUSES: readonly SubscriptionStatus[] = ['active', 'past_due'];

/**
 * The subscription lifecycle (rule 5). A customer's cancel only sets `cancelAtPeriodEnd` while active (the
 * period was paid); the renewal job ends it at period end. A past_due one has no paid period left, so its
 * customer's cancel ends it at once. A renewal paid on time keeps it active (a new period, no step).
 */
export const subscriptionMachine = defineMachine({
  name: 'plans.subscription',
  states: SUBSCRIPTION_STATUSES,
  transitions: [
    { from: 'active', to: 'past_due', allow: ['system'] },
    { from: 'active', to: 'cancelled', allow: ['system'] },
    { from: 'past_due', to: 'active', allow: ['system'] },
    { from: 'past_due', to: 'expired', allow: ['system'] },
    { from: 'past_due', to: 'cancelled', allow: ['customer', 'doctor', 'staff', 'system'] },
  ],
});
