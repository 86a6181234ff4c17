import type { IntentRow } from './card-payments.repository.js';

/** Outbox topics of card payments (the notifications issue delivers them). */
export const PaymentEvents = {
  /** An intent changed state: { intentId, customerId, purpose, refId, from, to }. */
  intentUpdated: 'payment.updated',
} as const;

export const intentUpdated = (intent: IntentRow, from: string | null) => ({
  intentId: intent.id,
  customerId: intent.customerId,
  purpose: intent.purpose,
  refId: intent.refId,
  from,
  to: intent.status,
});
