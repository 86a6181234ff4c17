/**
 * Pure cart rules: the delivery fee, what a branch can fill, and the bounds pricing keeps to.
 *
 * Decisions (the issue leaves them open; checkout prices with the same rules):
 * - Pickup is free. An empty cart (nothing priced) costs nothing to deliver.
 * - Delivery is free when the goods cost at least DELIVERY_FREE_ABOVE_MINOR after the offer's discount (the
 *   customer's real spend, not the list price); 0 switches free delivery off.
 * - Otherwise the fee is DELIVERY_FEE_MINOR, plus DELIVERY_FEE_PER_KM_MINOR for each started kilometre from
 *   the branch to the delivery point when both are known. Without them only the flat part is shown; checkout
 *   knows the address and prices again.
 */

/** The database's own ceiling for one line's quantity (cart_items_quantity); CART_MAX_QUANTITY is at most this. */
export const CART_QUANTITY_CEILING = 1000;

/**
 * The largest cart subtotal priced: below it every percentage the offer rules take stays exact in a double
 * (offers.rules assertLines). Real carts are many orders of magnitude below it.
 */
export const MAX_CART_MINOR = Math.floor(Number.MAX_SAFE_INTEGER / 100);

export interface DeliveryTerms {
  feeMinor: number;
  /** 0 = delivery is never free. */
  freeAboveMinor: number;
  /** 0 = no distance part. */
  perKmMinor: number;
}

export interface DeliveryInput {
  fulfilment: 'delivery' | 'pickup';
  /** What the priced lines cost after the discount. */
  goodsMinor: number;
  /** Whether any line is priced. */
  empty: boolean;
  /** From the branch to the delivery point, when both are known. */
  distanceKm: number | null;
}

/** Started kilometres: 0.2 km is one, exactly 3 km is three (measured to the metre, so float noise adds none). */
export function startedKm(km: number): number {
  return Math.ceil(Math.round(km * 1000) / 1000);
}

export function deliveryFee(terms: DeliveryTerms, input: DeliveryInput): number {
  if (input.fulfilment === 'pickup' || input.empty) return 0;
  if (terms.freeAboveMinor > 0 && input.goodsMinor >= terms.freeAboveMinor) return 0;
  const distancePart =
    terms.perKmMinor > 0 && input.distanceKm !== null ? terms.perKmMinor * startedKm(input.distanceKm) : 0;
  return terms.feeMinor + distancePart;
}

/**
 * Whether a branch can fill a line: its sellable units (undefined: none) against the quantity. Without a
 * branch nothing is known (null). A discontinued product is never available.
 */
export function availabilityOf(
  quantity: number,
  sellable: number | undefined,
  atBranch: boolean,
  discontinued: boolean,
): { available: boolean | null; availableQuantity: number | null } {
  if (!atBranch) return { available: discontinued ? false : null, availableQuantity: null };
  const units = sellable ?? 0;
  return { available: !discontinued && units >= quantity, availableQuantity: units };
}

/** What the customer pays: goods after the discount, plus delivery, minus points; never below zero. */
export function totalOf(parts: {
  subtotalMinor: number;
  discountMinor: number;
  deliveryFeeMinor: number;
  pointsRedeemableMinor: number;
}): number {
  return Math.max(0, parts.subtotalMinor - parts.discountMinor + parts.deliveryFeeMinor - parts.pointsRedeemableMinor);
}
