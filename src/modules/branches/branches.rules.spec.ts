import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  isOpenAt,
  isOpenOn,
  isTimeZone,
  minutesOf,
  wallClock,
  type WeeklyHours,
} from './branches.rules.js';

const SUN = 0;
const THU = 4;
const FRI = 5;
const SAT = 6;
const at = (iso: string) => new Date(iso);
const weekdays = (opens: string, closes: string): WeeklyHours[] =>
  [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, opens, closes }));

describe('time zones', () => {
  it.each(['Africa/Cairo', 'UTC', 'America/New_York', 'Asia/Riyadh', 'Etc/GMT+2', 'africa/cairo'])('accepts %s', (tz) =>
    expect(isTimeZone(tz)).toBe(true),
  );

  it.each(['', '+02:00', '-05:00', 'Foo/Bar', 'Cairo', 'Europe/London; DROP TABLE', ' Africa/Cairo', 'GMT+2 '])(
    'refuses %j',
    (tz) => expect(isTimeZone(tz)).toBe(false),
  );

  it('stores the canonical spelling', () => {
    expect(canonicalTimeZone('africa/cairo')).toBe('Africa/Cairo');
    expect(canonicalTimeZone('Africa/Cairo')).toBe('Africa/Cairo');
  });
});

describe('wallClock', () => {
  it('reads the day and time on the local clock, not in UTC', () => {
    // 2024-01-06 23:30 UTC is already Sunday 01:30 in Cairo (UTC+2 in winter).
    expect(wallClock(at('2024-01-06T23:30:00Z'), 'Africa/Cairo')).toEqual({ day: SUN, minutes: 90 });
    expect(wallClock(at('2024-01-06T23:30:00Z'), 'UTC')).toEqual({ day: SAT, minutes: 23 * 60 + 30 });
    // Midnight is 00:00, never 24:00.
    expect(wallClock(at('2024-01-06T22:00:00Z'), 'Africa/Cairo')).toEqual({ day: SUN, minutes: 0 });
  });

  it('reads minutes of HH:mm', () => {
    expect(minutesOf('00:00')).toBe(0);
    expect(minutesOf('09:30')).toBe(570);
    expect(minutesOf('24:00')).toBe(1440);
  });
});

describe('isOpenAt', () => {
  const nineToFive = weekdays('09:00', '17:00');

  it('opens at the opening minute and closes at the closing minute', () => {
    // Sunday 2024-01-07, Cairo = UTC+2
    expect(isOpenAt(nineToFive, 'Africa/Cairo', at('2024-01-07T06:59:00Z'))).toBe(false);
    expect(isOpenAt(nineToFive, 'Africa/Cairo', at('2024-01-07T07:00:00Z'))).toBe(true);
    expect(isOpenAt(nineToFive, 'Africa/Cairo', at('2024-01-07T14:59:00Z'))).toBe(true);
    expect(isOpenAt(nineToFive, 'Africa/Cairo', at('2024-01-07T15:00:00Z'))).toBe(false);
  });

  it('answers the same from a wall clock read once (isOpenOn)', () => {
    const clock = wallClock(at('2024-01-07T07:00:00Z'), 'Africa/Cairo');
    expect(clock).toEqual({ day: SUN, minutes: 9 * 60 });
    expect(isOpenOn(nineToFive, clock)).toBe(true);
    expect(isOpenOn(nineToFive, { day: SUN, minutes: 17 * 60 })).toBe(false);
    expect(isOpenOn(weekdays('22:00', '02:00'), { day: THU, minutes: 60 })).toBe(true);
  });

  it('is closed on a day without hours and with no hours at all', () => {
    const fridayOff = nineToFive.filter((h) => h.day !== FRI);
    expect(isOpenAt(fridayOff, 'Africa/Cairo', at('2024-01-05T10:00:00Z'))).toBe(false);
    expect(isOpenAt(fridayOff, 'Africa/Cairo', at('2024-01-04T10:00:00Z'))).toBe(true);
    expect(isOpenAt([], 'Africa/Cairo', at('2024-01-04T10:00:00Z'))).toBe(false);
  });

  it('follows the clocks when daylight saving starts (Cairo, last Friday of April 2024)', () => {
    // Thursday 2024-04-25 is still UTC+2: 06:30 UTC is 08:30, closed.
    expect(isOpenAt(nineToFive, 'Africa/Cairo', at('2024-04-25T06:30:00Z'))).toBe(false);
    // Friday 2024-04-26 is UTC+3: the same UTC time is 09:30, open (a fixed +02:00 would say closed).
    expect(isOpenAt(nineToFive, 'Africa/Cairo', at('2024-04-26T06:30:00Z'))).toBe(true);
    // And closes at 17:00 summer time = 14:00 UTC.
    expect(isOpenAt(nineToFive, 'Africa/Cairo', at('2024-04-26T13:59:00Z'))).toBe(true);
    expect(isOpenAt(nineToFive, 'Africa/Cairo', at('2024-04-26T14:00:00Z'))).toBe(false);
  });

  it('follows the clocks when daylight saving ends (New York, 2024-11-03)', () => {
    // Saturday 2024-11-02 is EDT (UTC-4): 13:00 UTC = 09:00, open.
    expect(isOpenAt(nineToFive, 'America/New_York', at('2024-11-02T13:00:00Z'))).toBe(true);
    // Sunday 2024-11-03 is EST (UTC-5): 13:00 UTC = 08:00, closed; 14:00 UTC = 09:00, open.
    expect(isOpenAt(nineToFive, 'America/New_York', at('2024-11-03T13:00:00Z'))).toBe(false);
    expect(isOpenAt(nineToFive, 'America/New_York', at('2024-11-03T14:00:00Z'))).toBe(true);
  });

  it('keeps an interval past midnight open into the next day', () => {
    const lateThursday: WeeklyHours[] = [{ day: THU, opens: '22:00', closes: '02:00' }];
    // Cairo winter = UTC+2. Thursday 2024-01-04.
    expect(isOpenAt(lateThursday, 'Africa/Cairo', at('2024-01-04T19:59:00Z'))).toBe(false); // Thu 21:59
    expect(isOpenAt(lateThursday, 'Africa/Cairo', at('2024-01-04T20:00:00Z'))).toBe(true); // Thu 22:00
    expect(isOpenAt(lateThursday, 'Africa/Cairo', at('2024-01-04T23:30:00Z'))).toBe(true); // Fri 01:30
    expect(isOpenAt(lateThursday, 'Africa/Cairo', at('2024-01-05T00:00:00Z'))).toBe(false); // Fri 02:00
    // Friday night is not Thursday night.
    expect(isOpenAt(lateThursday, 'Africa/Cairo', at('2024-01-05T20:30:00Z'))).toBe(false); // Fri 22:30
    expect(isOpenAt(lateThursday, 'Africa/Cairo', at('2024-01-05T23:30:00Z'))).toBe(false); // Sat 01:30
  });

  it('wraps Saturday night into Sunday morning', () => {
    const saturdayNight: WeeklyHours[] = [{ day: SAT, opens: '20:00', closes: '03:00' }];
    expect(isOpenAt(saturdayNight, 'UTC', at('2024-01-07T02:59:00Z'))).toBe(true); // Sun 02:59
    expect(isOpenAt(saturdayNight, 'UTC', at('2024-01-07T03:00:00Z'))).toBe(false);
    expect(isOpenAt(saturdayNight, 'UTC', at('2024-01-06T02:00:00Z'))).toBe(false); // Sat 02:00: Friday had no night
  });

  it('reads a night interval on the local clock when the clocks jump inside it (New York, 2024-03-10)', () => {
    const saturdayNight: WeeklyHours[] = [{ day: SAT, opens: '22:00', closes: '03:00' }];
    // 07:30 UTC is 03:30 EDT after the jump: closed (a fixed -05:00 would read 02:30 and say open).
    expect(isOpenAt(saturdayNight, 'America/New_York', at('2024-03-10T07:30:00Z'))).toBe(false);
    // 06:30 UTC is 01:30 EST before the jump: open.
    expect(isOpenAt(saturdayNight, 'America/New_York', at('2024-03-10T06:30:00Z'))).toBe(true);
  });

  it('treats 00:00-24:00 as the whole day', () => {
    const allDay = weekdays('00:00', '24:00');
    for (const iso of ['2024-01-07T00:00:00Z', '2024-01-07T12:00:00Z', '2024-01-07T23:59:00Z'])
      expect(isOpenAt(allDay, 'UTC', at(iso))).toBe(true);
  });

  it('joins split shifts', () => {
    const split: WeeklyHours[] = [
      { day: SUN, opens: '09:00', closes: '13:00' },
      { day: SUN, opens: '17:00', closes: '23:00' },
    ];
    expect(isOpenAt(split, 'UTC', at('2024-01-07T12:00:00Z'))).toBe(true);
    expect(isOpenAt(split, 'UTC', at('2024-01-07T15:00:00Z'))).toBe(false);
    expect(isOpenAt(split, 'UTC', at('2024-01-07T18:00:00Z'))).toBe(true);
  });
});
