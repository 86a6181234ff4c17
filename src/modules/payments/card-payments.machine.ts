import { defineMachine } from '../../kernel/state-machine.js';

export const INTENT_STATUSES = ['created', 'pending', 'paid', 'failed', 'expired'] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];
export const INTENT_PURPOSES = ['order', 'wallet_top_up', 'appointment'] as const;
export type IntentPurpose = (typeof INTENT_PURPOSES)[number];

/**
 * A payment intent's lifecycle; every step is the system's (the gateway's answer or its webhook). `paid` is
 * final and reachable from every other state: money the gateway collected always reaches the wallet, even
 * when it was announced after a failure or an expiry we recorded (a delayed method, a lost session answer).
 * Failed and expired after paid change nothing (there is no step out of paid).
 */
export const intentMachine = defineMachine<IntentStatus>({
  name: 'payments.intent',
  states: INTENT_STATUSES,
  transitions: [
    { from: 'created', to: 'pending', allow: ['system'] },
    { from: 'created', to: 'paid', allow: ['system'] },
    { from: 'pending', to: 'paid', allow: ['system'] },
    { from: 'failed', to: 'paid', allow: ['system'] },
    { from: 'expired', to: 'paid', allow: ['system'] },
    { from: 'created', to: 'failed', allow: ['system'] },
    { from: 'pending', to: 'failed', allow: ['system'] },
    { from: 'created', to: 'expired', allow: ['system'] },
    { from: 'pending', to: 'expired', allow: ['system'] },
  ],
});

/** The states a step to `to` may start from (the conditional update's `status IN (...)`). */
export const statesBefore = (to: IntentStatus): IntentStatus[] =>
  intentMachine.transitions.filter((t) => t.to === to).map((t) => t.from);

/** The ledger key of an intent's money reaching the customer's wallet: posted once per intent. */
export const intentPaidKey = (intentId: string) => `intent:${intentId}:paid`;
