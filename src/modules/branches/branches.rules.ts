/** Pure rules of a branch: its time zone and weekly hours. Times are wall-clock times in the branch's zone. */

export interface WeeklyHours {
  /** 0 = Sunday ... 6 = Saturday */
  day: number;
  /** 'HH:mm', 00:00-23:59 */
  opens: string;
  /** 'HH:mm'; '24:00' = midnight at the end of the day; earlier than `opens` = closes the next day */
  closes: string;
}

export const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
export const CLOSES = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Minutes since midnight of a validated 'HH:mm' ('24:00' = 1440). */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * An IANA zone name ('Africa/Cairo', 'UTC'), not an offset: a fixed offset would be wrong half the year
 * wherever daylight saving applies.
 */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The canonical spelling of a valid zone ('africa/cairo' → 'Africa/Cairo'). */
export function canonicalTimeZone(value: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export interface WallClock {
  day: number;
  minutes: number;
}

const lastRead = new Map<string, { minute: number; clock: WallClock }>();

/**
 * Day of week and minutes since midnight of `at` on the wall clocks of `timeZone`. The same all through a
 * UTC minute (zones are whole minutes off UTC), so each zone's clock is read once a minute, not per request
 * (Intl's formatToParts was the costliest step of listing the nearest branches).
 */
export function wallClock(at: Date, timeZone: string): WallClock {
  const minute = Math.floor(at.getTime() / 60_000);
  const last = lastRead.get(timeZone);
  if (last?.minute === minute) return last.clock;
  const clock = readWallClock(at, timeZone);
  lastRead.set(timeZone, { minute, clock });
  return clock;
}

function readWallClock(at: Date, timeZone: string): WallClock {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: WEEKDAYS[parts.weekday], minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/**
 * Whether the branch is open at `at`. Hours are read on the local wall clock, so a daylight-saving change
 * moves the opening instant with the clocks, as it does for the people working there. An interval whose
 * closing time is not after its opening time runs past midnight into the next day.
 */
export function isOpenAt(hours: readonly WeeklyHours[], timeZone: string, at: Date): boolean {
  return isOpenOn(hours, wallClock(at, timeZone));
}

/** `isOpenAt` for a wall clock already read (a list reads each zone's clock once, not once per branch). */
export function isOpenOn(hours: readonly WeeklyHours[], { day, minutes }: WallClock): boolean {
  const yesterday = (day + 6) % 7;
  return hours.some((h) => {
    const opens = minutesOf(h.opens);
    const closes = minutesOf(h.closes);
    if (closes > opens) return h.day === day && minutes >= opens && minutes < closes;
    // Past midnight: the evening part on its own day, the early-morning part on the next.
    return (h.day === day && minutes >= opens) || (h.day === yesterday && minutes < closes);
  });
}
