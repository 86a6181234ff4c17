import type { FieldError } from '../../kernel/errors/index.js';
import { illegalTransition } from '../../kernel/state-machine.js';
import { Accounts, credit, debit, type EntryLine, type PostEntry } from '../payments/index.js';
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
 * the order completed, the courier's or counter's cash (cash clearing) pays revenue. A card pays through the
 * wallet: the gateway's money reaches it first (payments: gateway clearing → wallet), then the wallet pays.
 */
export function captureLines(method: 'wallet' | 'cod', customerId: string, amountMinor: number): EntryLine[] {
  const from = method === 'wallet' ? Accounts.wallet(customerId) : Accounts.cashClearing;
  return [debit(from, amountMinor), credit(Accounts.revenue, amountMinor)];
}

/**
 * The ledger entry of one of an order's own money movements (a capture, a hold, its release, a cancellation's
 * refund): its key names the order and the movement, so posting it twice posts it once.
 */
export function orderEntry(
  orderId: string,
  movement: 'capture' | 'hold' | 'hold_release' | 'refund',
  lines: EntryLine[],
  actor: PostEntry['actor'],
  memo?: string | null,
): PostEntry {
  const key = { capture: captureKey, hold: holdKey, hold_release: holdReleaseKey, refund: refundKey }[movement](
    orderId,
  );
  return { key, kind: `order.${movement}`, refType: 'order', refId: orderId, actor, lines, memo: memo ?? undefined };
}

/** Holding a wallet payment for an order a pharmacist has yet to verify, capturing it, giving it back. */
export const holdKey = (orderId: string) => `order:${orderId}:hold`;
export const holdReleaseKey = (orderId: string) => `order:${orderId}:hold-release`;
export const holdLines = (customerId: string, amountMinor: number): EntryLine[] => [
  debit(Accounts.wallet(customerId), amountMinor),
  credit(Accounts.paymentHolds, amountMinor),
];
export const holdCaptureLines = (amountMinor: number): EntryLine[] => [
  debit(Accounts.paymentHolds, amountMinor),
  credit(Accounts.revenue, amountMinor),
];
export const holdReleaseLines = (customerId: string, amountMinor: number): EntryLine[] => [
  debit(Accounts.paymentHolds, amountMinor),
  credit(Accounts.wallet(customerId), amountMinor),
];

/** Where an order's money is in a state: held for the pharmacist, captured, or not taken yet (cash, unpaid card). */
export function moneyState(method: PaymentMethod, status: OrderStatus): 'held' | 'captured' | 'none' {
  // Cash is taken at the door (the completion step posts it); a cancelled or expired order gave its money back.
  if (method === 'cod' || status === 'cancelled' || status === 'expired') return 'none';
  if (status === 'pending_verification') return method === 'wallet' ? 'held' : 'none';
  if (status === 'pending_payment') return 'none';
  return 'captured';
}

/**
 * What `units` more of a line give back, when `before` units came back already: the paid value of the line
 * (price × quantity − its discount) shared by units with cumulative rounding down, so that returning every
 * unit, in any steps, gives back exactly what the line cost. `money` is the part of the order paid in money
 * (its total) out of what it cost before points (goods + delivery): points paid the rest, and a refund gives
 * them back as points, never as money.
 */
export function lineRefundValue(
  line: { unitPriceMinor: number; quantity: number; discountMinor: number },
  before: number,
  units: number,
  money: { paidMinor: number; costMinor: number } = { paidMinor: 1, costMinor: 1 },
): number {
  const value = line.unitPriceMinor * line.quantity - line.discountMinor;
  const paid =
    money.costMinor > 0 ? Number((BigInt(value) * BigInt(money.paidMinor)) / BigInt(money.costMinor)) : value;
  const upTo = (n: number) => Math.floor((paid * n) / line.quantity);
  return upTo(before + units) - upTo(before);
}

/** A staff refund's ledger key (one per refund) and lines: the refunds account pays the wallet, or the counter's cash. */
export const staffRefundKey = (orderId: string, refundId: string) => `order:${orderId}:refund:${refundId}`;
export function staffRefundLines(destination: 'wallet' | 'cash', customerId: string, amountMinor: number): EntryLine[] {
  const to = destination === 'wallet' ? Accounts.wallet(customerId) : Accounts.cashClearing;
  return [debit(Accounts.refunds, amountMinor), credit(to, amountMinor)];
}

/** Where a refund's money goes: the wallet when asked, or the way it came (cash back at the counter for cash). */
export function refundDestination(method: PaymentMethod, to: 'wallet' | 'original'): 'wallet' | 'cash' | 'card' {
  if (to === 'wallet' || method === 'wallet') return 'wallet';
  return method === 'cod' ? 'cash' : 'card';
}

/** Giving a captured wallet payment back on cancellation: revenue pays the wallet. */
export function walletRefundLines(customerId: string, amountMinor: number): EntryLine[] {
  return [debit(Accounts.revenue, amountMinor), credit(Accounts.wallet(customerId), amountMinor)];
}

/**
 * The pharmacist's decisions on an order's Rx lines (POST /v1/admin/orders/:id/verify): every Rx line exactly
 * once, nothing else; an approved line names the prescription it is filled against (one of the order's; when
 * the order has one, that one). Returns the field errors, empty when the decisions are whole.
 */
export interface LineDecision {
  lineNo: number;
  approved: boolean;
  prescriptionId?: string;
  note?: string;
}
export interface VerifiableLine {
  lineNo: number;
  rxRequired: boolean;
  prescriptionId: string | null;
  /** Filled from an e-prescription line: approving it names no photo. */
  rxLineId?: string | null;
}
export function checkDecisions(
  lines: readonly VerifiableLine[],
  decisions: readonly LineDecision[],
  prescriptionIds: readonly string[],
): FieldError[] {
  const errors: FieldError[] = [];
  const byNo = new Map(lines.map((l) => [l.lineNo, l]));
  const seen = new Set<number>();
  decisions.forEach((d, i) => {
    const line = byNo.get(d.lineNo);
    const field = `lines.${i}`;
    if (!line || !line.rxRequired)
      errors.push({
        field: `${field}.lineNo`,
        code: 'invalid_value',
        message: 'is not a prescription line of this order',
      });
    else if (seen.has(d.lineNo))
      errors.push({ field: `${field}.lineNo`, code: 'duplicate', message: 'is decided twice' });
    seen.add(d.lineNo);
    if (d.prescriptionId && !prescriptionIds.includes(d.prescriptionId.toLowerCase()))
      errors.push({
        field: `${field}.prescriptionId`,
        code: 'invalid_value',
        message: 'is not a prescription of this order',
      });
    if (
      line?.rxRequired &&
      d.approved &&
      !d.prescriptionId &&
      !line.prescriptionId &&
      !line.rxLineId &&
      prescriptionIds.length !== 1
    )
      errors.push({
        field: `${field}.prescriptionId`,
        code: 'required',
        message: 'name the prescription this line is filled against',
      });
  });
  const missing = lines.filter((l) => l.rxRequired && !seen.has(l.lineNo)).map((l) => l.lineNo);
  if (missing.length > 0)
    errors.push({
      field: 'lines',
      code: 'required',
      message: `decide every prescription line (missing: ${missing.join(', ')})`,
    });
  return errors;
}

/** Where an approved order goes: a card waits for the gateway, a wallet is captured from its hold, cash at the door. */
export const afterApproval = (method: PaymentMethod): OrderStatus =>
  method === 'card' ? 'pending_payment' : 'confirmed';

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
