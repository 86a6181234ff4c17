import { z } from 'zod';
import { idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { checkoutPaymentView } from '../payments/index.js';
import { prescriptionUploadView, prescriptionView } from '../prescriptions/index.js';
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
    /**
     * Prescription photos of the caller's (`POST /v1/prescriptions/uploads`) covering the cart's Rx-only lines:
     * required when there are such lines, and ignored otherwise.
     */
    prescriptionIds: z.array(idSchema).min(1).max(5).optional(),
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
  /** The prescription an Rx line is filled against (one of the order's `prescriptionIds`). */
  prescriptionId: z.string().nullable(),
  /** The e-prescription line this Rx line fills (POST /v1/prescriptions/{id}/cart): no photo needed. */
  prescriptionLineId: z.string().nullable(),
  /** The pharmacist's decision on an Rx line (null until verified, and for other lines). */
  verification: z.enum(['approved', 'rejected']).nullable(),
  verifiedAt: z.string().nullable(),
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
    /** The prescriptions the order was placed with (ids of the customer's uploads). */
    prescriptionIds: z.array(z.string()),
    subtotalMinor: z.number().int(),
    discountMinor: z.number().int(),
    deliveryFeeMinor: z.number().int(),
    /** Loyalty points spent on the order (a count). */
    pointsRedeemed: z.number().int(),
    /** The money those points took off (points × the point value), in minor units. */
    pointsValueMinor: z.number().int(),
    /** subtotal − discount + delivery − pointsValueMinor. */
    totalMinor: z.number().int(),
    /** Given back by refunds so far (never more than was paid). */
    refundedMinor: z.number().int(),
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

export const verifyBody = z.strictObject({
  /** A decision for every Rx-only line of the order, and for no other line. */
  lines: z
    .array(
      z.strictObject({
        lineNo: z.number().int().min(1).max(1000),
        approved: z.boolean(),
        /** The prescription this line is filled against; may be left out when the order has one. */
        prescriptionId: idSchema.optional(),
        note: text(500).optional(),
      }),
    )
    .min(1)
    .max(200),
  /** Told to the customer when a line is rejected. */
  reason: text(500).optional(),
});
export type VerifyBody = z.infer<typeof verifyBody>;

/** What a pharmacist sees of an order: the order, its prescription photos and who decided each line. */
export const staffOrderView = orderView
  .extend({
    customerId: z.string(),
    lines: z.array(
      orderLineView.extend({ verifiedBy: z.string().nullable(), verificationNote: z.string().nullable() }),
    ),
    /** The photos, with short-lived links: only for staff who verify prescriptions at the branch (reads audited). */
    prescriptions: z.array(prescriptionUploadView),
    /** The e-prescriptions the order's lines fill (for the branch's pharmacist; each read audited). */
    ePrescriptions: z.array(prescriptionView),
    /**
     * The other orders placed with the same photos, newest first (at most 50), for the same readers: a paper
     * prescription named again may have been filled already, here or at another branch.
     */
    prescriptionUses: z.array(
      z.object({
        prescriptionId: z.string(),
        orderId: z.string(),
        branchId: z.string(),
        status: z.enum(ORDER_STATUSES),
        placedAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'StaffOrder' });
export type StaffOrderView = z.infer<typeof staffOrderView>;

export const REFUND_DESTINATIONS = ['wallet', 'original'] as const;

export const refundBody = z
  .strictObject({
    /** Goods handed back (they go to quarantine, never back on sale): their paid value is the default amount. */
    lines: z
      .array(z.strictObject({ lineNo: z.number().int().min(1).max(1000), quantity: z.number().int().min(1).max(1000) }))
      .min(1)
      .max(200)
      .optional(),
    /** Money to give back (minor units); without it, the paid value of `lines`. */
    amountMinor: z.number().int().min(1).max(1_000_000_000_000).optional(),
    reason: text(500),
    /** `wallet`, or the way it was paid (`original`: the wallet, the card through the gateway, cash at the counter). */
    to: z.enum(REFUND_DESTINATIONS),
  })
  .superRefine((b, ctx) => {
    if (!b.lines && b.amountMinor === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['amountMinor'],
        message: 'name the lines handed back, an amount, or both',
      });
    const seen = new Set<number>();
    b.lines?.forEach((l, i) => {
      if (seen.has(l.lineNo)) ctx.addIssue({ code: 'custom', path: ['lines', i, 'lineNo'], message: 'is named twice' });
      seen.add(l.lineNo);
    });
  });
export type RefundBody = z.infer<typeof refundBody>;

export const refundView = z
  .object({
    id: z.string(),
    orderId: z.string(),
    amountMinor: z.number().int(),
    to: z.enum(REFUND_DESTINATIONS),
    reason: z.string(),
    lines: z.array(z.object({ lineNo: z.number().int(), quantity: z.number().int(), amountMinor: z.number().int() })),
    createdAt: z.string(),
  })
  .meta({ id: 'Refund' });
export type RefundView = z.infer<typeof refundView>;

export const refundResult = refundView
  .extend({
    /** The order after the refund: `partially_refunded`, or `refunded` once everything paid came back. */
    order: orderView,
  })
  .meta({ id: 'RefundResult' });
export type RefundResult = z.infer<typeof refundResult>;

export const refundsList = z.object({ items: z.array(refundView) });
