/**
 * Pure offer rules: which offers apply to a cart, what each is worth, and which one the customer gets.
 *
 * Decisions (the issue is silent on them; checkout relies on them):
 * - One offer per cart, never stacked: the one with the largest discount wins; ties go to the offer that
 *   ends first (use it before it is gone), then to the smaller id, so the choice is deterministic.
 * - Restricted lines (Rx-only or controlled) are neither discounted nor counted towards an offer's minimum
 *   cart unless the offer says `appliesToRestricted` (pharmacy law: no inducement on prescription drugs).
 * - A percentage is taken from the sum of the lines the offer covers and rounded DOWN to a whole minor
 *   unit (a 15% offer never gives more than 15%). A fixed amount is given once per cart, capped at the sum
 *   of the covered lines. So a discount is never negative and never exceeds what it applies to: a total
 *   never goes below zero.
 * - The discount is spread over the covered lines in proportion to their totals (largest remainder), so
 *   the per-line amounts add up exactly and a later partial refund knows what each line was discounted.
 * - A category offer covers a line whose category or any ancestor (`categoryPath`) is that category.
 * - An offer with a coupon code applies only when the cart carries that code (case-insensitive); an offer
 *   without one applies by itself.
 */

export type OfferKind = 'percentage' | 'fixed';
export type OfferScope = 'product' | 'category' | 'cart';

export interface OfferTerms {
  id: string;
  kind: OfferKind;
  /** Percentage: whole percent 1-100. Fixed: minor units. */
  value: number;
  scope: OfferScope;
  productId: string | null;
  categoryId: string | null;
  startsAt: Date;
  endsAt: Date;
  minCartMinor: number;
  globalLimit: number | null;
  perCustomerLimit: number | null;
  usedCount: number;
  couponCode: string | null;
  appliesToRestricted: boolean;
  active: boolean;
}

export interface CartLine {
  productId: string;
  categoryId: string;
  /** Ancestors of the line's category (any order); a category offer on an ancestor covers the line. */
  categoryPath?: readonly string[];
  unitPriceMinor: number;
  quantity: number;
  rxRequired: boolean;
  controlled: boolean;
}

export interface CartContext {
  lines: readonly CartLine[];
  now: Date;
  /** How many times this customer has redeemed each offer (by offer id); missing = 0. */
  usage?: Readonly<Record<string, number>>;
  coupon?: string | null;
}

export type IneligibleReason =
  | 'inactive'
  | 'not-started'
  | 'ended'
  | 'coupon-required'
  | 'limit-reached'
  | 'customer-limit-reached'
  | 'below-minimum'
  | 'nothing-to-discount';

export interface LineDiscount {
  /** Index of the line in the cart. */
  line: number;
  productId: string;
  discountMinor: number;
}

export interface AppliedOffer {
  offerId: string;
  discountMinor: number;
  lines: LineDiscount[];
}

export type Evaluation = ({ ok: true } & AppliedOffer) | { ok: false; offerId: string; reason: IneligibleReason };

export interface CartQuote {
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  applied: AppliedOffer | null;
}

/** The form coupon codes are compared in (and stored in): trimmed, upper case. */
export const normalizeCoupon = (code: string): string => code.trim().toUpperCase();

export const lineTotal = (l: CartLine): number => l.unitPriceMinor * l.quantity;

export const isRestricted = (l: Pick<CartLine, 'rxRequired' | 'controlled'>): boolean => l.rxRequired || l.controlled;

export function subtotalOf(lines: readonly CartLine[]): number {
  return lines.reduce((sum, l) => sum + lineTotal(l), 0);
}

/** Whether `now` is inside the offer's window: starts inclusive, ends exclusive. */
export function inWindow(offer: Pick<OfferTerms, 'startsAt' | 'endsAt'>, now: Date): boolean {
  return offer.startsAt.getTime() <= now.getTime() && now.getTime() < offer.endsAt.getTime();
}

function covers(offer: OfferTerms, line: CartLine): boolean {
  if (!offer.appliesToRestricted && isRestricted(line)) return false;
  switch (offer.scope) {
    case 'product':
      return line.productId === offer.productId;
    case 'category':
      return line.categoryId === offer.categoryId || (line.categoryPath ?? []).includes(offer.categoryId ?? '');
    case 'cart':
      return true;
  }
}

function assertLines(lines: readonly CartLine[]): void {
  for (const l of lines) {
    if (!Number.isSafeInteger(l.unitPriceMinor) || l.unitPriceMinor < 0)
      throw new RangeError('unitPriceMinor must be a non-negative integer');
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1)
      throw new RangeError('quantity must be a positive integer');
  }
  // Below 2^53 / 100 every product and percentage stays exact in a double.
  if (subtotalOf(lines) > Number.MAX_SAFE_INTEGER / 100) throw new RangeError('cart total is too large');
}

/** The discount `offer` gives on `amountMinor` (what it covers): rounded down, within 0..amount. */
export function discountOn(offer: Pick<OfferTerms, 'kind' | 'value'>, amountMinor: number): number {
  if (amountMinor <= 0) return 0;
  const raw = offer.kind === 'percentage' ? Math.floor((amountMinor * offer.value) / 100) : offer.value;
  return Math.max(0, Math.min(raw, amountMinor));
}

/** Splits `total` over `weights` in proportion, by largest remainder: exact sum, each part ≤ its weight. */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0 || total === 0) return weights.map(() => 0);
  if (total > sum) throw new RangeError('cannot allocate more than the weights hold');
  // total × weight can pass 2^53: BigInt keeps the shares and remainders exact.
  const T = BigInt(total);
  const S = BigInt(sum);
  const shares = weights.map((w, i) => ({ i, q: (T * BigInt(w)) / S, rem: (T * BigInt(w)) % S }));
  const parts = shares.map((s) => Number(s.q));
  let left = total - parts.reduce((a, b) => a + b, 0);
  // Fewer units are left than lines with a remainder, and each such line is below its weight: one pass.
  const order = [...shares].sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of order) {
    if (left === 0) break;
    if (parts[i] < weights[i]) {
      parts[i]++;
      left--;
    }
  }
  return parts;
}

/**
 * Why the offer cannot be used now by this customer whatever the cart holds (switched off, outside its
 * window, coupon missing, used up), or null when it can: the part of `evaluateOffer` that does not look
 * at the lines, so a coupon can be checked before the cart is complete.
 */
export function unusableBecause(offer: OfferTerms, cart: Omit<CartContext, 'lines'>): IneligibleReason | null {
  if (!offer.active) return 'inactive';
  if (cart.now.getTime() < offer.startsAt.getTime()) return 'not-started';
  if (cart.now.getTime() >= offer.endsAt.getTime()) return 'ended';
  if (offer.couponCode !== null && normalizeCoupon(cart.coupon ?? '') !== normalizeCoupon(offer.couponCode))
    return 'coupon-required';
  if (offer.globalLimit !== null && offer.usedCount >= offer.globalLimit) return 'limit-reached';
  if (offer.perCustomerLimit !== null && (cart.usage?.[offer.id] ?? 0) >= offer.perCustomerLimit)
    return 'customer-limit-reached';
  return null;
}

/** Whether one offer applies to the cart, and if so what it gives line by line. */
export function evaluateOffer(offer: OfferTerms, cart: CartContext): Evaluation {
  assertLines(cart.lines);
  const no = (reason: IneligibleReason): Evaluation => ({ ok: false, offerId: offer.id, reason });
  const unusable = unusableBecause(offer, cart);
  if (unusable) return no(unusable);
  const counted = cart.lines.filter((l) => offer.appliesToRestricted || !isRestricted(l));
  if (subtotalOf(counted) < offer.minCartMinor) return no('below-minimum');
  const covered = cart.lines.map((l, i) => ({ l, i })).filter(({ l }) => covers(offer, l));
  const weights = covered.map(({ l }) => lineTotal(l));
  const discountMinor = discountOn(
    offer,
    weights.reduce((a, b) => a + b, 0),
  );
  if (discountMinor === 0) return no('nothing-to-discount');
  const parts = allocate(discountMinor, weights);
  return {
    ok: true,
    offerId: offer.id,
    discountMinor,
    lines: covered.map(({ l, i }, k) => ({ line: i, productId: l.productId, discountMinor: parts[k] })),
  };
}

/** The best single offer for the cart (see the ordering above), or null when none applies. */
export function bestOffer(offers: readonly OfferTerms[], cart: CartContext): AppliedOffer | null {
  let best: { applied: AppliedOffer; offer: OfferTerms } | null = null;
  for (const offer of offers) {
    const e = evaluateOffer(offer, cart);
    if (!e.ok) continue;
    const applied: AppliedOffer = { offerId: e.offerId, discountMinor: e.discountMinor, lines: e.lines };
    if (best === null || better(applied, offer, best.applied, best.offer)) best = { applied, offer };
  }
  return best?.applied ?? null;
}

function better(a: AppliedOffer, ao: OfferTerms, b: AppliedOffer, bo: OfferTerms): boolean {
  if (a.discountMinor !== b.discountMinor) return a.discountMinor > b.discountMinor;
  if (ao.endsAt.getTime() !== bo.endsAt.getTime()) return ao.endsAt.getTime() < bo.endsAt.getTime();
  return ao.id < bo.id;
}

/** Subtotal, the best offer and the total to pay: `total = subtotal - discount`, never below zero. */
export function quoteCart(offers: readonly OfferTerms[], cart: CartContext): CartQuote {
  assertLines(cart.lines);
  const subtotalMinor = subtotalOf(cart.lines);
  const applied = bestOffer(offers, cart);
  const discountMinor = applied?.discountMinor ?? 0;
  return { subtotalMinor, discountMinor, totalMinor: subtotalMinor - discountMinor, applied };
}

export interface TermsIssue {
  field: string;
  code: string;
  message: string;
}

/** What makes an offer definition inconsistent (checked on create, and on the merged result of a change). */
export function termsIssues(
  t: Pick<OfferTerms, 'kind' | 'value' | 'scope' | 'productId' | 'categoryId' | 'startsAt' | 'endsAt'>,
): TermsIssue[] {
  const issues: TermsIssue[] = [];
  if (t.kind === 'percentage' && (t.value < 1 || t.value > 100))
    issues.push({ field: 'value', code: 'too_big', message: 'a percentage must be 1 to 100' });
  if (t.scope === 'product' && t.productId === null)
    issues.push({ field: 'productId', code: 'required', message: 'is required for a product offer' });
  if (t.scope === 'category' && t.categoryId === null)
    issues.push({ field: 'categoryId', code: 'required', message: 'is required for a category offer' });
  if (t.scope !== 'product' && t.productId !== null)
    issues.push({ field: 'productId', code: 'unknown_field', message: 'is only for a product offer' });
  if (t.scope !== 'category' && t.categoryId !== null)
    issues.push({ field: 'categoryId', code: 'unknown_field', message: 'is only for a category offer' });
  if (t.startsAt.getTime() >= t.endsAt.getTime())
    issues.push({ field: 'endsAt', code: 'too_small', message: 'must be after startsAt' });
  return issues;
}

/** Where an offer stands at `now`; a switched-off offer is `inactive` whatever its window. */
export function statusOf(
  offer: Pick<OfferTerms, 'active' | 'startsAt' | 'endsAt'>,
  now: Date,
): 'active' | 'scheduled' | 'ended' | 'inactive' {
  if (!offer.active) return 'inactive';
  if (now.getTime() < offer.startsAt.getTime()) return 'scheduled';
  if (now.getTime() >= offer.endsAt.getTime()) return 'ended';
  return 'active';
}
