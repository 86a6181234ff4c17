/**
 * The vocabulary of an order, with no imports: the tables (and so the schema barrel) read it, and must not
 * pull in other modules (orders.rules.ts does, for the ledger's accounts).
 */

export const ORDER_STATUSES = [
  'pending_verification',
  'pending_payment',
  'confirmed',
  'preparing',
  'ready',
  'out_for_delivery',
  'completed',
  'partially_refunded',
  'refunded',
  'cancelled',
  'expired',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** No step leaves these (a completed order may still be refunded, in part or in full). */
export const FINAL_STATUSES: readonly OrderStatus[] = ['refunded', 'cancelled', 'expired'];

export const FULFILMENTS = ['delivery', 'pickup'] as const;
export type OrderFulfilment = (typeof FULFILMENTS)[number];

export const PAYMENT_METHODS = ['cod', 'wallet', 'card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Where a delivery goes: a point within the branch's delivery radius, and what the courier reads. */
export interface DeliveryAddress {
  lat: number;
  lng: number;
  line1: string;
  line2?: string;
  city?: string;
  notes?: string;
  phone?: string;
}
