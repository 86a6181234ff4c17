/**
 * The pure rules of the points programme: which lines count, how many points an order earns, how many it may
 * spend, which lots a spending draws on, and what a refund takes back. Tested without a database; the ledger
 * (payments) and the lots' CHECKs (migration 0014) hold the amounts again.
 */

/** The programme's terms (config `loyalty`, env LOYALTY_*). */
export interface LoyaltyTerms {
  /** EARN_POINTS points for every EARN_PER_MINOR minor units paid for eligible goods, rounded down. */
  earnPoints: number;
  earnPerMinor: number;
  /** What one point takes off an order, in minor units. */
  pointValueMinor: number;
  /** An order spends points worth at most this percent of its eligible goods after discount… */
  capPercent: number;
  /** …and at most this many points (0: no absolute cap). */
  capPoints: number;
  expiryDays: number;
  /** Whether Rx-only and controlled lines earn and take points (default no: pharmacy law in many markets). */
  rxLines: boolean;
}

/** A line as loyalty sees it: what was paid for it and whether it is a prescription medicine. */
export interface PointsLine {
  unitPriceMinor: number;
  quantity: number;
  /** This line's share of the order's discount. */
  discountMinor: number;
  rxRequired: boolean;
  /** Controlled products are always Rx-only (catalog rule); order lines keep only rxRequired. */
  controlled?: boolean;
}

export const isEligible = (line: PointsLine, terms: LoyaltyTerms): boolean =>
  terms.rxLines || (!line.rxRequired && !line.controlled);

/** The goods that count for points, after their discount (delivery never counts). */
export function eligibleGoodsMinor(lines: readonly PointsLine[], terms: LoyaltyTerms): number {
  return lines
    .filter((l) => isEligible(l, terms))
    .reduce((sum, l) => sum + Math.max(0, l.unitPriceMinor * l.quantity - l.discountMinor), 0);
}

/** The most points an order with these lines may spend (the cap alone, whatever the customer holds). */
export function redemptionCap(lines: readonly PointsLine[], terms: LoyaltyTerms): number {
  const byPercent = Math.floor((eligibleGoodsMinor(lines, terms) * terms.capPercent) / 100 / terms.pointValueMinor);
  return terms.capPoints > 0 ? Math.min(byPercent, terms.capPoints) : byPercent;
}

/** The money `points` take off an order. */
export const pointsValueMinor = (points: number, terms: LoyaltyTerms): number => points * terms.pointValueMinor;

/**
 * Points an order earns when it completes: on the eligible goods the customer paid money for, so the value of
 * the points it spent earns nothing (points never earn points).
 */
export function pointsEarned(lines: readonly PointsLine[], spentValueMinor: number, terms: LoyaltyTerms): number {
  const paid = Math.max(0, eligibleGoodsMinor(lines, terms) - spentValueMinor);
  return Math.floor((paid * terms.earnPoints) / terms.earnPerMinor);
}

export const DAY_MS = 86_400_000;
export const expiryOf = (earnedAt: Date, terms: LoyaltyTerms): Date =>
  new Date(earnedAt.getTime() + terms.expiryDays * DAY_MS);

export interface LotBalance {
  id: string;
  remaining: number;
  expiresAt: Date;
}

const soonestFirst = (a: LotBalance, b: LotBalance) =>
  a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Which lots `points` are drawn from: soonest expiry first (FIFO, as every lot lives the same period), or
 * undefined when the lots hold fewer. `first` names lots to draw on before the rest (a refund takes back the
 * order's own earning first).
 */
export function planTake(
  lots: readonly LotBalance[],
  points: number,
  first: ReadonlySet<string> = new Set(),
): { lotId: string; points: number }[] | undefined {
  if (!Number.isSafeInteger(points) || points <= 0) throw new RangeError('points must be a whole number > 0');
  const ordered = [...lots].sort((a, b) => Number(first.has(b.id)) - Number(first.has(a.id)) || soonestFirst(a, b));
  const out: { lotId: string; points: number }[] = [];
  let left = points;
  for (const lot of ordered) {
    if (left === 0) break;
    const take = Math.min(left, lot.remaining);
    if (take <= 0) continue;
    out.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return left === 0 ? out : undefined;
}

/**
 * Points an order spent, given back (a cancellation, or a refund's share) as new lots that keep the expiry of
 * the lots they were spent from, so a cancellation never makes old points young. Gives back the latest
 * expiring first, after skipping what earlier returns gave back (allocated the same way), one lot per expiry.
 */
export function planReturn(
  spent: readonly { points: number; expiresAt: Date }[],
  alreadyReturned: number,
  points: number,
): { points: number; expiresAt: Date }[] {
  const byExpiry = [...spent].sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime());
  let skip = alreadyReturned;
  let left = points;
  const out = new Map<number, number>();
  for (const use of byExpiry) {
    const open = use.points - Math.min(skip, use.points);
    skip -= use.points - open;
    const give = Math.min(open, left);
    if (give > 0) out.set(use.expiresAt.getTime(), (out.get(use.expiresAt.getTime()) ?? 0) + give);
    left -= give;
  }
  return [...out].map(([at, p]) => ({ points: p, expiresAt: new Date(at) }));
}

/**
 * A refund's share of an order's points, from the refunded part of what the order cost: `refundedTotalMinor`
 * is every refund of the order so far (this one included) out of `orderTotalMinor`. The share of the whole is
 * rounded to the nearest point and what earlier refunds took is subtracted, so several partial refunds add up
 * to exactly the full one. Never negative, never more than `points`.
 */
export function refundShare(input: {
  points: number;
  alreadyMoved: number;
  refundedTotalMinor: number;
  orderTotalMinor: number;
}): number {
  const { points, alreadyMoved, refundedTotalMinor, orderTotalMinor } = input;
  if (points <= 0 || orderTotalMinor <= 0 || refundedTotalMinor <= 0) return 0;
  const fraction = Math.min(1, refundedTotalMinor / orderTotalMinor);
  const target = Math.min(points, Math.round(points * fraction));
  return Math.max(0, target - alreadyMoved);
}

/** The ledger keys of an order's points (posting a key twice posts nothing). */
export const LoyaltyKeys = {
  earn: (orderId: string) => `order:${orderId}:points:earn`,
  redeem: (orderId: string) => `order:${orderId}:points:redeem`,
  /** Given back when the order is cancelled or expires. */
  return: (orderId: string) => `order:${orderId}:points:return`,
  /** A refund's share: earned points taken back, spent points given back. */
  reverse: (orderId: string, refundId: string) => `order:${orderId}:points:reverse:${refundId}`,
  refundReturn: (orderId: string, refundId: string) => `order:${orderId}:points:return:${refundId}`,
  expire: (lotId: string) => `loyalty:lot:${lotId}:expire`,
};
