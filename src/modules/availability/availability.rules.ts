/**
 * Pure rules of a doctor's availability: the free slots of a window, from weekly wall-clock intervals in the
 * doctor's IANA zone, date overrides, time off and busy time. Every instant is UTC; every 'HH:mm' and date is
 * read on the doctor's clocks, so a daylight-saving change moves the working hours with the clocks, as it does
 * for the doctor.
 */
import { addDays, instantOf, localDateAt, midnightOf, weekdayOf } from './availability.zone.js';

const MINUTE_MS = 60_000;

/** 'HH:mm' 00:00–23:59; an end may also be '24:00' (midnight at the end of the day). */
export const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
export const END_HH_MM = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export interface LocalInterval {
  /** 'HH:mm' */
  start: string;
  /** 'HH:mm' or '24:00', after `start` (an interval never crosses midnight: split it over two days). */
  end: string;
}
export interface WeeklyInterval extends LocalInterval {
  /** 0 = Sunday ... 6 = Saturday */
  day: number;
}
export interface DateOverride {
  /** 'YYYY-MM-DD' on the doctor's clocks. */
  date: string;
  /** The day's intervals instead of the weekly ones; none = a day off. */
  intervals: LocalInterval[];
}

export interface AvailabilityRules {
  timeZone: string;
  slotMinutes: number;
  bufferMinutes: number;
  minNoticeMinutes: number;
  maxDaysAhead: number;
  weekly: WeeklyInterval[];
  overrides: DateOverride[];
}

/** A half-open range of instants [start, end), in ms since the epoch. */
export interface Span {
  start: number;
  end: number;
}

export interface SlotQuery {
  /** Window of the answer: slots that start in [from, to). */
  from: number;
  to: number;
  now: number;
  /** The doctor's time off: no slot overlaps it. */
  timeOff: readonly Span[];
  /**
   * Occupied time, buffers included (a booked or held appointment's [startsAt, endsAt + buffer)): a slot is
   * free when it and the buffer after it, [startsAt, endsAt + bufferMinutes), overlap none of it.
   */
  busy: readonly Span[];
}

export interface Slot {
  startsAt: number;
  endsAt: number;
}

/** Intervals of one day that overlap or touch nothing else that day; the first pair that overlaps, if any. */
export function firstOverlap(intervals: readonly LocalInterval[]): [number, number] | null {
  const sorted = intervals
    .map((iv, i) => ({ i, s: minutesOf(iv.start), e: minutesOf(iv.end) }))
    .sort((a, b) => a.s - b.s);
  for (let k = 1; k < sorted.length; k++)
    if (sorted[k].s < sorted[k - 1].e) return [sorted[k - 1].i, sorted[k].i].sort((a, b) => a - b) as [number, number];
  return null;
}

/** The wall-clock intervals of a local date: its override, else the weekly intervals of its weekday. */
export function intervalsOn(rules: Pick<AvailabilityRules, 'weekly' | 'overrides'>, date: string): LocalInterval[] {
  const override = rules.overrides.find((o) => o.date === date);
  if (override) return override.intervals;
  const day = weekdayOf(date);
  return rules.weekly.filter((w) => w.day === day);
}

/**
 * The real-time span of a wall-clock interval of a local date. A start or end that the clocks skip (spring
 * forward) is the instant of the jump, one they read twice (fall back) is its first reading; so an interval
 * inside a skipped hour is empty, one across it an hour shorter, and one across a repeated hour an hour longer
 * in real time.
 */
export function spanOf(date: string, iv: LocalInterval, timeZone: string): Span {
  const midnight = midnightOf(date);
  return {
    start: instantOf(midnight + minutesOf(iv.start) * MINUTE_MS, timeZone),
    end: instantOf(midnight + minutesOf(iv.end) * MINUTE_MS, timeZone),
  };
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/**
 * Free slots starting in [from, to), earliest first. Each working interval is cut into slots of exactly
 * `slotMinutes` of real time, from its start, one every slot + buffer (so back-to-back bookings keep the
 * buffer between them); a slot must end by the interval's end. A slot is offered when it starts no earlier
 * than now + minimum notice and before now + maxDaysAhead days, overlaps no time off, and (with the buffer
 * after it) no busy time.
 */
export function freeSlots(rules: AvailabilityRules, q: SlotQuery): Slot[] {
  const slotMs = rules.slotMinutes * MINUTE_MS;
  const stepMs = (rules.slotMinutes + rules.bufferMinutes) * MINUTE_MS;
  const bufferMs = rules.bufferMinutes * MINUTE_MS;
  const earliest = Math.max(q.from, q.now + rules.minNoticeMinutes * MINUTE_MS);
  const latest = Math.min(q.to, q.now + rules.maxDaysAhead * 1440 * MINUTE_MS);
  if (earliest >= latest) return [];
  const out: Slot[] = [];
  // A day's intervals may reach past the local date's edges in real time (a 24:00 end): one day either side.
  const last = addDays(localDateAt(latest, rules.timeZone), 1);
  for (let date = addDays(localDateAt(earliest, rules.timeZone), -1); date <= last; date = addDays(date, 1)) {
    const spans = intervalsOn(rules, date)
      .map((iv) => spanOf(date, iv, rules.timeZone))
      .sort((a, b) => a.start - b.start);
    for (const span of spans) {
      for (let start = span.start; start + slotMs <= span.end; start += stepMs) {
        if (start < earliest) continue;
        if (start >= latest) break;
        const slot = { start, end: start + slotMs };
        if (q.timeOff.some((off) => overlaps(slot, off))) continue;
        const held = { start, end: slot.end + bufferMs };
        if (q.busy.some((b) => overlaps(held, b))) continue;
        out.push({ startsAt: slot.start, endsAt: slot.end });
      }
    }
  }
  return out.sort((a, b) => a.startsAt - b.startsAt);
}

/**
 * Every free slot starting in [from, to), whatever the notice and the horizon: a search at any `now` is this
 * list cut by offeredIn (a slot grid does not depend on now; notice and horizon only cut it).
 */
export function freeSlotsAhead(rules: AvailabilityRules, q: Omit<SlotQuery, 'now'>): Slot[] {
  const days = Math.ceil((q.to - q.from) / (1440 * MINUTE_MS)) + 1;
  return freeSlots({ ...rules, minNoticeMinutes: 0, maxDaysAhead: days }, { ...q, now: q.from });
}

/**
 * freeSlots(rules, { from, to, now, …the same time off and busy time }) out of `ahead` (freeSlotsAhead over a
 * span holding every slot this search may offer): the notice and the horizon applied, by binary search.
 */
export function offeredIn<T extends Slot>(
  rules: AvailabilityRules,
  ahead: readonly T[],
  q: { from: number; to: number; now: number },
): T[] {
  const earliest = Math.max(q.from, q.now + rules.minNoticeMinutes * MINUTE_MS);
  const latest = Math.min(q.to, q.now + rules.maxDaysAhead * 1440 * MINUTE_MS);
  if (earliest >= latest) return [];
  const firstAtOrAfter = (t: number) => {
    let [lo, hi] = [0, ahead.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ahead[mid].startsAt < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return ahead.slice(firstAtOrAfter(earliest), firstAtOrAfter(latest));
}

/**
 * Whether `startsAt` is one of the free slots (for the appointments module: a booking must name an offered
 * slot). Reads only the slot's own day.
 */
export function isOffered(rules: AvailabilityRules, startsAt: number, q: Omit<SlotQuery, 'from' | 'to'>): boolean {
  return freeSlots(rules, { ...q, from: startsAt, to: startsAt + 1 }).some((s) => s.startsAt === startsAt);
}
