/** Outbox topics of the orders module (the notifications issue delivers them). */
export const OrderEvents = {
  /** Every status change, the first one included: { orderId, customerId, branchId, from, to }. */
  updated: 'order.updated',
  /** Every staff refund, partial ones included: { orderId, customerId, branchId, refundId, amountMinor, to }. */
  refunded: 'order.refunded',
} as const;
