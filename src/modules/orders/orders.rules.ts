import { illegalTransition } from '../../kernel/state-machine.js';
import { Accounts, credit, debit, type EntryLine } from '../payments/index.js';
import type { OrderFulfilment, OrderStatus, PaymentMethod } from './orders.states.js';

/**
 * The pure rules of an order: the states it may be in, the state it is placed in, its totals and the ledger
 * entries its money moves by. Tested without a database; the database holds the same rules again (migration
 * 0012: the status list and the total formula are CHECKs).
 */

export {
  FINAL_STATUSES,
  FULFILMENTS,
  ORDER_STATUSES,
  PAYMENT_METHODS,
  type DeliveryAddress,
  type OrderFulfilment,
  type OrderStatus,
  type PaymentMethod,
} from './orders.states.js';

/**
 * The state an order is placed in (DOMAIN: cart, orders and money). Rx lines wait for a pharmacist first;
 * a card waits for the gateway; a wallet is captured in the checkout's transaction and cash is collected at
 * the door, so both start confirmed.
 */
export function initialStatus(input: { paymentMethod: PaymentMethod; hasRxLines: boolean }): OrderStatus {
  if (input.hasRxLines) return 'pending_verification';
  if (input.paymentMethod === 'card') return 'pending_payment';
  return 'confirmed';
}

export interface OrderTotals {
  subtotalMinor: number;
  discountMinor: number;
  deliveryFeeMinor: number;
  /** Loyalty points spent (a count). */
  pointsRedeemed: number;
  /** The money those points took off (loyalty's point value × points; 0 exactly when no points were spent). */
  pointsValueMinor: number;
  totalMinor: number;
}

/**
 * total = subtotal − discount + delivery − the points' value (the CHECK orders_total). Points spend only against
 * what is left of the goods and delivery, never below zero: more than that is refused by the caller's cap first.
 */
export function orderTotals(parts: Omit<OrderTotals, 'totalMinor'>): OrderTotals {
  const { subtotalMinor, discountMinor, deliveryFeeMinor, pointsRedeemed, pointsValueMinor } = parts;
  for (const [name, value] of Object.entries(parts)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole amount >= 0`);
  }
  if (discountMinor > subtotalMinor) throw new RangeError('discountMinor exceeds subtotalMinor');
  if ((pointsRedeemed === 0) !== (pointsValueMinor === 0))
    throw new RangeError('pointsValueMinor is 0 exactly when no points are redeemed');
  const totalMinor = subtotalMinor - discountMinor + deliveryFeeMinor - pointsValueMinor;
  if (totalMinor < 0) throw new RangeError('the points’ value exceeds what is left to pay');
  return { ...parts, totalMinor };
}

/** The ledger keys of an order's money: one capture, one refund (posting a key twice posts nothing). */
export const captureKey = (orderId: string) => `order:${orderId}:capture`;
export const refundKey = (orderId: string) => `order:${orderId}:refund`;

/**
 * What paying an order posts. Wallet: at checkout, the wallet pays revenue. Cash on delivery: when staff mark
 * the order completed, the courier's or counter's cash (cash clearing) pays revenue. Card: the gateway's part.
 */
export function captureLines(method: PaymentMethod, customerId: string, amountMinor: number): EntryLine[] {
  switch (method) {
    case 'wallet':
      return [debit(Accounts.wallet(customerId), amountMinor), credit(Accounts.revenue, amountMinor)];
    case 'cod':
      return [debit(Accounts.cashClearing, amountMinor), credit(Accounts.revenue, amountMinor)];
    case 'card':
      return [debit(Accounts.gatewayClearing, amountMinor), credit(Accounts.revenue, amountMinor)];
  }
}

/** Giving a captured wallet payment back on cancellation: revenue pays the wallet. */
export function walletRefundLines(customerId: string, amountMinor: number): EntryLine[] {
  return [debit(Accounts.revenue, amountMinor), credit(Accounts.wallet(customerId), amountMinor)];
}

/** Whether the money of an order in `method` is taken when it is placed (and so given back on cancellation). */
export const capturedAtCheckout = (method: PaymentMethod): boolean => method === 'wallet';

/**
 * A step the transitions table allows may still not fit this order: out for delivery is for deliveries, and
 * a delivery is completed at the door (out_for_delivery → completed), a pickup at the counter (ready →
 * completed). Throws `common/illegal-transition` as the table would.
 */
export function assertFitsFulfilment(fulfilment: OrderFulfilment, from: OrderStatus, to: OrderStatus): void {
  const misfit =
    (to === 'out_for_delivery' && fulfilment !== 'delivery') ||
    (from === 'ready' && to === 'completed' && fulfilment !== 'pickup');
  if (misfit) throw illegalTransition('orders.order', from, to);
}

/**
 * How long a placed order holds its stock: the reservation is committed when the order completes and released
 * when it is cancelled; the expiry job releases it only if an order was left open this long.
 */
export const ORDER_HOLD_SECONDS = 30 * 24 * 3600;
