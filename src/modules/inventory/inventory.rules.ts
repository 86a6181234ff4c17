/** Pure stock rules: which lots may be sold, and first-expiry-first-out allocation. Dates are 'YYYY-MM-DD'. */

const DAY_MS = 86_400_000;

/** The calendar date of `at` in UTC. */
export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return isoDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS));
}

/**
 * The last expiry date that may NOT be sold on `today`: a lot is sellable only when it expires strictly
 * after `today + marginDays`, so a patient can finish the pack (DOMAIN: never sell a lot expiring before
 * the margin). With a margin of 0 a lot expiring today is not sold either.
 */
export function sellableCutoff(today: string, marginDays: number): string {
  return addDays(today, marginDays);
}

export function isSellable(expiresOn: string, today: string, marginDays: number): boolean {
  return expiresOn > sellableCutoff(today, marginDays);
}

/** A lot is expired the day after its expiry date. */
export function isExpired(expiresOn: string, today: string): boolean {
  return expiresOn < today;
}

export interface AllocatableLot {
  id: string;
  expiresOn: string;
  available: number;
}

/**
 * First-expiry-first-out: takes from the lot expiring soonest, then the next (ties by id, the order lots are
 * locked in). Returns undefined when the lots cannot cover `quantity`: all or nothing.
 */
export function allocateFefo(
  lots: readonly AllocatableLot[],
  quantity: number,
): { lotId: string; quantity: number }[] | undefined {
  const ordered = [...lots].sort((a, b) =>
    a.expiresOn === b.expiresOn ? (a.id < b.id ? -1 : 1) : a.expiresOn < b.expiresOn ? -1 : 1,
  );
  const out: { lotId: string; quantity: number }[] = [];
  let left = quantity;
  for (const lot of ordered) {
    if (left === 0) break;
    const take = Math.min(lot.available, left);
    if (take <= 0) continue;
    out.push({ lotId: lot.id, quantity: take });
    left -= take;
  }
  return left === 0 ? out : undefined;
}

/** Quantities per product, duplicates summed, in product-id order (the order their lots are locked in). */
export function mergeLines(
  lines: readonly { productId: string; quantity: number }[],
): { productId: string; quantity: number }[] {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.productId, (totals.get(l.productId) ?? 0) + l.quantity);
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([productId, quantity]) => ({ productId, quantity }));
}
