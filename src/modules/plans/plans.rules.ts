/** Pure rules of plans: period arithmetic and the ledger keys of subscription charges. */
export const PLAN_INTERVALS = ['monthly', 'yearly'] as const;
export type PlanInterval = (typeof PLAN_INTERVALS)[number];

/**
 * The end of a period that starts at `start`: the same UTC day and time one month (or year) later, clamped to
 * the last day of a shorter month (31 Jan → 28/29 Feb; 29 Feb → 28 Feb next year).
 */
export function addInterval(start: Date, interval: PlanInterval): Date {
  const months = interval === 'monthly' ? 1 : 12;
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(y, m, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()),
  );
}

/** One charge per subscription period: a retried renewal posts nothing twice. */
export const chargeKey = (subscriptionId: string, periodNo: number) =>
  `subscription:${subscriptionId.toLowerCase()}:period:${periodNo}`;

export const DAY_MS = 86_400_000;
