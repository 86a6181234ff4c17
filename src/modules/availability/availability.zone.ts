/**
 * Wall-clock arithmetic in an IANA zone with Intl alone (no Temporal in Node 20, no zone library): the zone's
 * offset at an instant, and the instant at which a local date and time is read on the zone's clocks.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall clock of `ms` in `timeZone`, written as if it were UTC (ms since the epoch). */
export function localMs(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) if (part.type !== 'literal') p[part.type] = +part.value;
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** Offset of the zone from UTC at the instant `ms`, in ms (positive east of Greenwich). */
export function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return localMs(whole, timeZone) - whole;
}

/**
 * The instant at which the zone's clocks read `local` (a wall-clock time written as UTC ms). A time they read
 * twice (clocks set back) is its earlier reading; a time they skip (clocks set forward) is the instant of the
 * jump, the first one after the gap (so 02:30 in a 02:00→03:00 jump reads 03:00). Unlike Temporal's
 * 'compatible' (which would give 03:30), this keeps the mapping monotonic: a later wall-clock time is never an
 * earlier instant, so intervals that do not overlap on the clock never overlap in real time. Assumes at most
 * one offset change within a day either side, true of every real zone.
 */
export function instantOf(local: number, timeZone: string): number {
  const key = `${timeZone} ${local}`;
  let found = instants.get(key);
  if (found === undefined) {
    // A bounded memo: emptied when full (the working set, a few weeks of days and shift times per zone, refills).
    if (instants.size >= INSTANTS_MAX) instants.clear();
    found = computeInstantOf(local, timeZone);
    instants.set(key, found);
  }
  return found;
}

/**
 * instantOf reads the zone's offset several times through Intl (formatToParts, microseconds each): a 14-day
 * slot search asks for the same few wall-clock times (midnights, shift starts and ends) on every request, so
 * the answers are kept. A pure function of its arguments (IANA data does not change while a process runs).
 */
const INSTANTS_MAX = 50_000;
const instants = new Map<string, number>();

function computeInstantOf(local: number, timeZone: string): number {
  const before = offsetAt(local - DAY_MS, timeZone);
  const after = offsetAt(local + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((ms) => offsetAt(ms, timeZone) === local - ms)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0];
  // In the gap: the jump lies between the two readings; find its first second with the new offset.
  let lo = local - after;
  let hi = local - before;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** 'YYYY-MM-DD' of a local-as-UTC ms. */
export function dateOf(local: number): string {
  return new Date(local).toISOString().slice(0, 10);
}

/** The local date the zone's clocks show at the instant `ms`. */
export function localDateAt(ms: number, timeZone: string): string {
  return dateOf(localMs(ms, timeZone));
}

/** Local midnight of 'YYYY-MM-DD' as local-as-UTC ms. */
export function midnightOf(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}

export const addDays = (date: string, days: number): string => dateOf(midnightOf(date) + days * DAY_MS);

/** 0 = Sunday ... 6 = Saturday, of a calendar date. */
export const weekdayOf = (date: string): number => new Date(midnightOf(date)).getUTCDay();
