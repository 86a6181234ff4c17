import { z } from 'zod';
import { idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { checkoutPaymentView } from '../payments/index.js';
import { FULFILMENTS, ORDER_STATUSES, PAYMENT_METHODS } from './orders.rules.js';

export const orderIdParam = idSchema;

const text = (max: number) => z.string().trim().min(1).max(max);

export const deliveryAddress = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  line1: text(200),
  line2: text(200).optional(),
  city: text(100).optional(),
  notes: text(500).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9]{6,15}$/)
    .optional(),
});

/** Loyalty points, at most this many on one order (a sanity bound; loyalty's per-order cap is lower). */
export const MAX_POINTS = 1_000_000_000;

export const checkoutBody = z
  .strictObject({
    /** Where to fill the order; without it, the nearest active branch that can fill every line. */
    branchId: idSchema.optional(),
    fulfilment: z.enum(FULFILMENTS),
    /** Required for delivery (within the branch's delivery radius), refused for pickup. */
    address: deliveryAddress.optional(),
    /** `card` needs a card gateway (else 400 `payments/card-unavailable`); the answer then carries `payment`. */
    paymentMethod: z.enum(PAYMENT_METHODS),
    /**
     * Loyalty points to spend (GET /v1/loyalty): at most the order's cap (the cart's `pointsCap`, else 400
     * `orders/points-unavailable`) and the points the caller holds (else 409 `loyalty/insufficient-points`).
     */
    pointsToRedeem: z.number().int().min(0).max(MAX_POINTS).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.fulfilment === 'delivery' && !b.address)
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'a delivery needs an address' });
    if (b.fulfilment === 'pickup' && b.address)
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'a pickup takes no address' });
  });
export type CheckoutBody = z.infer<typeof checkoutBody>;

export const cancelBody = z.strictObject({ reason: text(500).optional() });
export type CancelBody = z.infer<typeof cancelBody>;

export const transitionBody = z.strictObject({
  to: z.enum(ORDER_STATUSES),
  reason: text(500).optional(),
});
export type TransitionBody = z.infer<typeof transitionBody>;

export const ordersQuery = pageQuery;
export type OrdersQuery = z.infer<typeof ordersQuery>;

export const adminOrdersQuery = pageQuery.extend({
  branchId: idSchema.optional(),
  status: z.enum(ORDER_STATUSES).optional(),
});
export type AdminOrdersQuery = z.infer<typeof adminOrdersQuery>;

// ---- responses
export const orderLineView = z.object({
  lineNo: z.number().int(),
  productId: z.string(),
  nameEn: z.string(),
  nameAr: z.string(),
  quantity: z.number().int(),
  /** The catalog price when the order was placed (a snapshot). */
  unitPriceMinor: z.number().int(),
  /** This line's share of the offer's discount. */
  discountMinor: z.number().int(),
  rxRequired: z.boolean(),
});

export const orderView = z
  .object({
    id: z.string(),
    status: z.enum(ORDER_STATUSES),
    branchId: z.string(),
    fulfilment: z.enum(FULFILMENTS),
    paymentMethod: z.enum(PAYMENT_METHODS),
    address: deliveryAddress.nullable(),
    lines: z.array(orderLineView),
    subtotalMinor: z.number().int(),
    discountMinor: z.number().int(),
    deliveryFeeMinor: z.number().int(),
    /** Loyalty points spent on the order (a count). */
    pointsRedeemed: z.number().int(),
    /** The money those points took off (points × the point value), in minor units. */
    pointsValueMinor: z.number().int(),
    /** subtotal − discount + delivery − pointsValueMinor. */
    totalMinor: z.number().int(),
    currency: z.string(),
    placedAt: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** Only in the answer to a card checkout: where to send the customer to pay (the gateway's hosted page). */
    payment: checkoutPaymentView.optional(),
  })
  .meta({ id: 'Order' });
export type OrderView = z.infer<typeof orderView>;

export const ordersPage = pageSchema(orderView);
