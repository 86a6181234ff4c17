import { z } from 'zod';
import { idSchema } from '../../kernel/http/index.js';
import { latQuery, lngQuery } from '../branches/index.js';
import { CART_QUANTITY_CEILING } from './cart.rules.js';

export const productIdParam = idSchema;

/** The quantity the line is set to (not added to). CART_MAX_QUANTITY may be lower than the ceiling. */
export const setItemBody = z.strictObject({
  quantity: z.number().int().min(1).max(CART_QUANTITY_CEILING),
});
export type SetItemBody = z.infer<typeof setItemBody>;

/** As offers accept codes: letters, digits, dash and underscore, compared case-insensitively. */
export const couponBody = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{3,32}$/, 'must be 3-32 letters, digits, dashes or underscores'),
});
export type CouponBody = z.infer<typeof couponBody>;

export const fulfilment = z.enum(['delivery', 'pickup']);
export type Fulfilment = z.infer<typeof fulfilment>;

export const cartQuery = z
  .strictObject({
    branchId: idSchema.optional().describe('Price and check stock at this branch (active branches only)'),
    fulfilment: fulfilment.default('delivery'),
    lat: latQuery.optional().describe('Latitude of the delivery point (with lng)'),
    lng: lngQuery.optional().describe('Longitude of the delivery point (with lat)'),
  })
  .refine((q) => (q.lat === undefined) === (q.lng === undefined), {
    path: ['lng'],
    message: 'lat and lng go together',
  });
export type CartQuery = z.infer<typeof cartQuery>;

// ---- responses
export const couponReason = z.enum([
  'unknown-code',
  'not-best',
  'inactive',
  'not-started',
  'ended',
  'coupon-required',
  'limit-reached',
  'customer-limit-reached',
  'below-minimum',
  'nothing-to-discount',
]);

export const cartLineView = z.object({
  productId: z.string(),
  nameEn: z.string(),
  nameAr: z.string(),
  /** The product's first image (a file id), or null. */
  image: z.string().nullable(),
  quantity: z.number().int(),
  /** The catalog's price now, never a price the client sent. */
  unitPriceMinor: z.number().int(),
  /** unitPriceMinor × quantity (0 for a discontinued product, which is not priced). */
  lineTotalMinor: z.number().int(),
  /** This line's share of the offer's discount. */
  discountMinor: z.number().int(),
  rxRequired: z.boolean(),
  controlled: z.boolean(),
  /** The product left the catalog after it was added: it is not priced and cannot be ordered. */
  discontinued: z.boolean(),
  /** With a branch: whether its sellable stock covers the quantity; null without a branch. */
  available: z.boolean().nullable(),
  /** With a branch: its sellable units (expiry margin and reservations counted); null without a branch. */
  availableQuantity: z.number().int().nullable(),
  /** The e-prescription line this line fills (POST /v1/prescriptions/{id}/cart): checkout needs no photo for it. */
  prescriptionLineId: z.string().nullable(),
  addedAt: z.string(),
});
export type CartLineView = z.infer<typeof cartLineView>;

export const cartOfferView = z.object({
  id: z.string(),
  nameEn: z.string(),
  nameAr: z.string(),
  kind: z.enum(['percentage', 'fixed']),
  value: z.number().int(),
  scope: z.enum(['product', 'category', 'cart']),
});

export const cartView = z
  .object({
    items: z.array(cartLineView),
    /** The code the cart carries: `valid` when its offer is the one applied, else `reason` says why not. */
    coupon: z.object({ code: z.string(), valid: z.boolean(), reason: couponReason.optional() }).nullable(),
    /** The one offer applied (the best for this cart; offers never stack), or null. */
    offer: cartOfferView.nullable(),
    subtotalMinor: z.number().int(),
    discountMinor: z.number().int(),
    deliveryFeeMinor: z.number().int(),
    /** Loyalty points the customer can spend now (GET /v1/loyalty). */
    pointsBalance: z.number().int(),
    /** The most points this cart may spend (a share of its goods that take points), whatever the balance. */
    pointsCap: z.number().int(),
    /** The points checkout would accept as `pointsToRedeem` now: the lesser of the balance and the cap. */
    pointsRedeemable: z.number().int(),
    /** The money those points would take off the total, in minor units. */
    pointsRedeemableMinor: z.number().int(),
    /** Goods after discount plus delivery, before any points (spending them is chosen at checkout). */
    totalMinor: z.number().int(),
    /** Some line is Rx-only: checkout will ask for a prescription. */
    needsPrescription: z.boolean(),
    branchId: z.string().nullable(),
    fulfilment,
    /** With a branch: every line can be filled there; null without a branch. */
    allAvailable: z.boolean().nullable(),
    /** With a branch and a delivery point: the distance (km) and whether it lies in the branch's delivery radius. */
    deliveryDistanceKm: z.number().nullable(),
    withinDeliveryRadius: z.boolean().nullable(),
    currency: z.string(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'Cart' });
export type CartView = z.infer<typeof cartView>;
