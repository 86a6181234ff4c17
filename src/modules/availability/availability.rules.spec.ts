import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  firstOverlap,
  freeSlots,
  freeSlotsAhead,
  isOffered,
  offeredIn,
  spanOf,
  type AvailabilityRules,
  type LocalInterval,
  type Span,
  type WeeklyInterval,
} from './availability.rules.js';
import { instantOf } from './availability.zone.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
/** Now, for the examples: the start of 2026, with a year of days ahead allowed. */
const NOW = ms('2026-01-01T00:00Z');

/** The wall clock of an instant in a zone, read with Intl directly (not through the code under test). */
const wallFormat = new Map<string, Intl.DateTimeFormat>();
function wall(t: number, timeZone: string): { date: string; minutes: number } {
  let f = wallFormat.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    wallFormat.set(timeZone, f);
  }
  const [date, time] = f.format(t).split(' ');
  return { date, minutes: Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) };
}
/**
 * The oracle of a wall-clock interval's real time: from the first instant the clock reads its start or later
 * on that date, to the first instant it reads its end or later (found by reading the clock every 15 minutes;
 * every interval, offset and change of these zones lies on that grid).
 */
const oracleMemo = new Map<string, Span>();
function firstReading(date: string, minutes: number, timeZone: string): number {
  const target = Date.parse(`${date}T00:00Z`) + minutes * MIN;
  for (let t = target - 4 * HOUR; t <= target + 6 * HOUR; t += 15 * MIN) {
    const w = wall(t, timeZone);
    if (Date.parse(`${w.date}T00:00Z`) + w.minutes * MIN >= target) return t;
  }
  throw new Error(`no reading of ${date} ${minutes} in ${timeZone}`);
}
function oracleSpan(date: string, iv: LocalInterval, timeZone: string): Span {
  const key = `${timeZone} ${date} ${iv.start} ${iv.end}`;
  let span = oracleMemo.get(key);
  if (!span) {
    span = {
      start: firstReading(date, toMinutes(iv.start), timeZone),
      end: firstReading(date, toMinutes(iv.end), timeZone),
    };
    oracleMemo.set(key, span);
  }
  return span;
}
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

const rules = (over: Partial<AvailabilityRules> = {}): AvailabilityRules => ({
  timeZone: 'Europe/Berlin',
  slotMinutes: 30,
  bufferMinutes: 0,
  minNoticeMinutes: 0,
  maxDaysAhead: 365,
  weekly: [],
  overrides: [],
  ...over,
});
const everyDay = (start: string, end: string): WeeklyInterval[] =>
  [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start, end }));
const none = { timeOff: [] as Span[], busy: [] as Span[] };

describe('firstOverlap', () => {
  it('finds overlapping intervals of one day, and lets touching ones be', () => {
    expect(
      firstOverlap([
        { start: '09:00', end: '12:00' },
        { start: '12:00', end: '13:00' },
      ]),
    ).toBeNull();
    expect(
      firstOverlap([
        { start: '14:00', end: '18:00' },
        { start: '09:00', end: '12:00' },
        { start: '11:59', end: '13:00' },
      ]),
    ).toEqual([1, 2]);
  });
});

describe('free slots: examples', () => {
  it('cuts an interval into slots one slot + buffer apart, each ending by the interval end', () => {
    const r = rules({ timeZone: 'UTC', slotMinutes: 25, bufferMinutes: 5, weekly: everyDay('09:00', '10:50') });
    const slots = freeSlots(r, { from: ms('2026-06-01T00:00Z'), to: ms('2026-06-02T00:00Z'), now: NOW, ...none });
    expect(slots.map((s) => [iso(s.startsAt), iso(s.endsAt)])).toEqual([
      ['2026-06-01T09:00:00.000Z', '2026-06-01T09:25:00.000Z'],
      ['2026-06-01T09:30:00.000Z', '2026-06-01T09:55:00.000Z'],
      ['2026-06-01T10:00:00.000Z', '2026-06-01T10:25:00.000Z'],
    ]);
  });

  it('reads weekly hours on the doctor’s clocks: Cairo 09:00 is 06:00Z in summer and 07:00Z in winter', () => {
    const r = rules({ timeZone: 'Africa/Cairo', slotMinutes: 60, weekly: everyDay('09:00', '10:00') });
    const on = (day: string) =>
      freeSlots(r, { from: ms(`${day}T00:00Z`), to: ms(`${day}T23:59Z`), now: NOW, ...none }).map((s) =>
        iso(s.startsAt),
      );
    expect(on('2026-07-15')).toEqual(['2026-07-15T06:00:00.000Z']);
    expect(on('2026-01-15')).toEqual(['2026-01-15T07:00:00.000Z']);
  });

  it('spring forward (Berlin, 29 March 2026): 02:00–03:00 does not exist, so it offers nothing', () => {
    const day = '2026-03-29';
    const r = rules({ slotMinutes: 30, overrides: [{ date: day, intervals: [{ start: '02:00', end: '03:00' }] }] });
    expect(freeSlots(r, { from: ms(`${day}T00:00Z`) - DAY, to: ms(`${day}T00:00Z`) + DAY, now: NOW, ...none })).toEqual(
      [],
    );
    // 01:00–04:00 on the clock is two real hours: 01:00, 01:30 CET, then 03:00, 03:30 CEST.
    const r2 = rules({ slotMinutes: 30, overrides: [{ date: day, intervals: [{ start: '01:00', end: '04:00' }] }] });
    const slots = freeSlots(r2, { from: ms(`${day}T00:00Z`) - DAY, to: ms(`${day}T00:00Z`) + DAY, now: NOW, ...none });
    expect(slots.map((s) => iso(s.startsAt))).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:30:00.000Z',
    ]);
    expect(slots.map((s) => wall(s.startsAt, 'Europe/Berlin').minutes / 60)).toEqual([1, 1.5, 3, 3.5]);
  });

  it('fall back (Berlin, 25 October 2026): 02:00–03:00 happens twice, so it offers two real hours', () => {
    const day = '2026-10-25';
    const r = rules({ slotMinutes: 60, overrides: [{ date: day, intervals: [{ start: '02:00', end: '03:00' }] }] });
    const slots = freeSlots(r, { from: ms(`${day}T00:00Z`) - DAY, to: ms(`${day}T00:00Z`) + DAY, now: NOW, ...none });
    expect(slots.map((s) => [iso(s.startsAt), iso(s.endsAt)])).toEqual([
      ['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z'], // 02:00 CEST
      ['2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z'], // 02:00 CET, the second time
    ]);
  });

  it('New York: 09:00–10:00 on both change days is an hour, at 13:00Z before and 14:00Z after the change', () => {
    const r = rules({ timeZone: 'America/New_York', slotMinutes: 60, weekly: everyDay('09:00', '10:00') });
    const on = (day: string) =>
      freeSlots(r, { from: ms(`${day}T00:00Z`), to: ms(`${day}T23:59Z`), now: NOW, ...none }).map((s) =>
        iso(s.startsAt),
      );
    expect(on('2026-03-08')).toEqual(['2026-03-08T13:00:00.000Z']);
    expect(on('2026-11-01')).toEqual(['2026-11-01T14:00:00.000Z']);
  });

  it('Cairo’s midnight jump (24 April 2026 00:00 → 01:00): a day from 00:00 starts at 01:00 on the clock', () => {
    const span = spanOf('2026-04-24', { start: '00:00', end: '03:00' }, 'Africa/Cairo');
    expect([iso(span.start), iso(span.end)]).toEqual(['2026-04-23T22:00:00.000Z', '2026-04-24T00:00:00.000Z']);
    expect(wall(span.start, 'Africa/Cairo')).toEqual({ date: '2026-04-24', minutes: 60 });
    // The evening before ends at the jump: 20:00–24:00 on Thursday is four real hours.
    const evening = spanOf('2026-04-23', { start: '20:00', end: '24:00' }, 'Africa/Cairo');
    expect((evening.end - evening.start) / HOUR).toBe(4);
    expect(evening.end).toBe(span.start);
  });

  it('leaves out time off, busy time with the buffer after each slot, short notice and days too far ahead', () => {
    const day = '2026-06-01';
    const r = rules({
      timeZone: 'UTC',
      slotMinutes: 30,
      bufferMinutes: 10,
      minNoticeMinutes: 60,
      maxDaysAhead: 2,
      weekly: everyDay('09:00', '13:00'),
    });
    const now = ms(`${day}T08:30Z`);
    const q = {
      from: ms(`${day}T00:00Z`),
      to: ms(`${day}T00:00Z`) + 5 * DAY,
      now,
      timeOff: [{ start: ms(`${day}T10:50Z`), end: ms(`${day}T11:00Z`) }],
      // An appointment 11:40–12:10 with its 10 buffer minutes.
      busy: [{ start: ms(`${day}T11:40Z`), end: ms(`${day}T12:20Z`) }],
    };
    const slots = freeSlots(r, q).map((s) => iso(s.startsAt));
    // Grid 09:00 09:40 10:20 11:00 11:40 12:20; 09:00 is within the hour of notice; 10:20–10:50 touches the time
    // off only at its end (free); 11:00–11:30 + 10 reaches 11:40 (free); 11:40 is booked.
    expect(slots.filter((s) => s.startsWith(day))).toEqual([
      `${day}T09:40:00.000Z`,
      `${day}T10:20:00.000Z`,
      `${day}T11:00:00.000Z`,
      `${day}T12:20:00.000Z`,
    ]);
    // maxDaysAhead 2: nothing starts 48 hours or more after now.
    expect(slots.every((s) => ms(s) < now + 2 * DAY)).toBe(true);
    expect(slots.some((s) => s.startsWith('2026-06-03T09:40'))).toBe(false);
    expect(slots.some((s) => s.startsWith('2026-06-02T12:20'))).toBe(true);
    expect(isOffered(r, ms(`${day}T10:20Z`), q)).toBe(true);
    expect(isOffered(r, ms(`${day}T11:40Z`), q)).toBe(false);
    expect(isOffered(r, ms(`${day}T10:21Z`), q)).toBe(false);
  });

  it('an override replaces the weekday’s hours; an empty one is a day off', () => {
    const r = rules({
      timeZone: 'UTC',
      slotMinutes: 60,
      weekly: everyDay('09:00', '11:00'),
      overrides: [
        { date: '2026-06-01', intervals: [] },
        { date: '2026-06-02', intervals: [{ start: '15:00', end: '16:00' }] },
      ],
    });
    const slots = freeSlots(r, { from: ms('2026-06-01T00:00Z'), to: ms('2026-06-04T00:00Z'), now: NOW, ...none });
    expect(slots.map((s) => iso(s.startsAt))).toEqual([
      '2026-06-02T15:00:00.000Z',
      '2026-06-03T09:00:00.000Z',
      '2026-06-03T10:00:00.000Z',
    ]);
  });
});

// ---- properties

/** Days with a change of the clocks in 2025–2027, and ordinary days, for each zone. */
function changeDays(timeZone: string): string[] {
  const days: string[] = [];
  for (let t = ms('2025-01-01T12:00Z'); t < ms('2028-01-01T00:00Z'); t += DAY) {
    const off = (x: number) => instantOf(Math.floor(x / DAY) * DAY, timeZone) - Math.floor(x / DAY) * DAY;
    if (off(t) !== off(t + DAY)) days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
const ZONES = ['Europe/Berlin', 'America/New_York', 'Africa/Cairo'] as const;
const CHANGES = Object.fromEntries(ZONES.map((z) => [z, changeDays(z)])) as Record<string, string[]>;

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
/** Non-overlapping intervals of one day, on a 15-minute grid (the change hours included), ends up to 24:00. */
const dayIntervals = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 0, maxLength: 8 }).map((marks) => {
  const sorted = [...marks].sort((a, b) => a - b);
  const out: LocalInterval[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2)
    out.push({ start: hhmm(sorted[i] * 15), end: hhmm(sorted[i + 1] * 15) });
  return out;
});

const scenario = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    slotMinutes: fc.constantFrom(10, 15, 20, 30, 45, 60, 90),
    bufferMinutes: fc.constantFrom(0, 5, 10, 15),
    minNoticeMinutes: fc.integer({ min: 0, max: 3 * 1440 }),
    maxDaysAhead: fc.integer({ min: 1, max: 30 }),
    week: fc.array(dayIntervals, { minLength: 7, maxLength: 7 }),
    overrideDays: fc.array(fc.tuple(fc.integer({ min: -2, max: 10 }), dayIntervals), { maxLength: 3 }),
    changeIndex: fc.nat(),
    fromOffsetHours: fc.integer({ min: -72, max: 24 }),
    spanHours: fc.integer({ min: 1, max: 10 * 24 }),
    nowOffsetHours: fc.integer({ min: -96, max: 48 }),
    timeOff: fc.array(fc.tuple(fc.integer({ min: -48, max: 240 }), fc.integer({ min: 1, max: 48 })), { maxLength: 3 }),
    busy: fc.array(fc.tuple(fc.integer({ min: -48 * 4, max: 240 * 4 }), fc.integer({ min: 1, max: 8 })), {
      maxLength: 4,
    }),
  })
  .map((s) => {
    const days = CHANGES[s.timeZone];
    // Centred on a change of the clocks, so every run crosses one.
    const anchor = ms(`${days[s.changeIndex % days.length]}T00:00Z`);
    const weekly: WeeklyInterval[] = s.week.flatMap((ivs, day) => ivs.map((iv) => ({ day, ...iv })));
    const overrides = [...new Map(s.overrideDays.map(([d, ivs]) => [d, ivs])).entries()].map(([d, intervals]) => ({
      date: new Date(anchor + d * DAY).toISOString().slice(0, 10),
      intervals,
    }));
    const from = anchor + s.fromOffsetHours * HOUR;
    const r: AvailabilityRules = {
      timeZone: s.timeZone,
      slotMinutes: s.slotMinutes,
      bufferMinutes: s.bufferMinutes,
      minNoticeMinutes: s.minNoticeMinutes,
      maxDaysAhead: s.maxDaysAhead,
      weekly,
      overrides,
    };
    return {
      rules: r,
      query: {
        from,
        to: from + s.spanHours * HOUR,
        now: anchor + s.nowOffsetHours * HOUR,
        timeOff: s.timeOff.map(([h, len]) => ({ start: anchor + h * HOUR, end: anchor + (h + len) * HOUR })),
        busy: s.busy.map(([q, len]) => ({ start: anchor + q * 15 * MIN, end: anchor + (q + len) * 15 * MIN })),
      },
    };
  });

/** The wall-clock intervals of a local date, as the rules say (written out again here, not imported). */
const intervalsOf = (r: AvailabilityRules, date: string): LocalInterval[] =>
  r.overrides.find((o) => o.date === date)?.intervals ?? r.weekly.filter((w) => w.day === weekdayOf(date));

describe('free slots: properties over zones with daylight saving', () => {
  it('finds clock changes to test around in every zone', () => {
    for (const z of ZONES) expect(CHANGES[z].length, z).toBeGreaterThanOrEqual(4);
  });

  it('every slot is slotMinutes of real time, inside one working interval on the clock, free, and in range', () => {
    fc.assert(
      fc.property(scenario, ({ rules: r, query: q }) => {
        const slots = freeSlots(r, q);
        const earliest = Math.max(q.from, q.now + r.minNoticeMinutes * MIN);
        for (const [i, s] of slots.entries()) {
          expect(s.endsAt - s.startsAt).toBe(r.slotMinutes * MIN);
          expect(s.startsAt).toBeGreaterThanOrEqual(earliest);
          expect(s.startsAt).toBeLessThan(Math.min(q.to, q.now + r.maxDaysAhead * DAY));
          // Sorted and never overlapping (the buffer between bookings is kept by the busy time each booking
          // adds, below; two working intervals that touch may offer slots that touch).
          if (i > 0) expect(s.startsAt).toBeGreaterThanOrEqual(slots[i - 1].endsAt);
          for (const off of q.timeOff) expect(s.startsAt < off.end && off.start < s.endsAt).toBe(false);
          for (const b of q.busy) expect(s.startsAt < b.end && b.start < s.endsAt + r.bufferMinutes * MIN).toBe(false);
          // Inside the real time of one working interval of its local date (or the day before's, ending at
          // 24:00), as the clock-reading oracle finds it.
          const date = wall(s.startsAt, r.timeZone).date;
          const dayBefore = new Date(Date.parse(`${date}T00:00Z`) - DAY).toISOString().slice(0, 10);
          const within = [date, dayBefore].some((d) =>
            intervalsOf(r, d).some((iv) => {
              const span = oracleSpan(d, iv, r.timeZone);
              return span.start <= s.startsAt && s.endsAt <= span.end;
            }),
          );
          expect(within, iso(s.startsAt)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('offers every grid start that is free: nothing is lost besides time off, busy time and the limits', () => {
    fc.assert(
      fc.property(scenario, ({ rules: r, query: q }) => {
        const offered = new Set(freeSlots(r, q).map((s) => s.startsAt));
        const all = freeSlots(r, {
          from: q.from,
          to: q.to,
          now: q.from - r.minNoticeMinutes * MIN,
          timeOff: [],
          busy: [],
        });
        for (const s of all) {
          const blocked =
            s.startsAt < q.now + r.minNoticeMinutes * MIN ||
            s.startsAt >= q.now + r.maxDaysAhead * DAY ||
            q.timeOff.some((o) => s.startsAt < o.end && o.start < s.endsAt) ||
            q.busy.some((b) => s.startsAt < b.end && b.start < s.endsAt + r.bufferMinutes * MIN);
          expect(offered.has(s.startsAt), iso(s.startsAt)).toBe(!blocked);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a search cut from the slots of a longer span ahead (offeredIn over freeSlotsAhead) is the search itself', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 48 }), ({ rules: r, query: q }, lead) => {
        // Known from `lead` hours before the search's now through its horizon and a day more (as the slot
        // search keeps a doctor's schedule, loaded a while before).
        const from = Math.min(q.from, q.now) - lead * HOUR;
        const to = Math.max(q.to, q.now + r.maxDaysAhead * DAY) + DAY;
        const ahead = freeSlotsAhead(r, { from, to, timeOff: q.timeOff, busy: q.busy });
        expect(offeredIn(r, ahead, q)).toEqual(freeSlots(r, q));
      }),
      { numRuns: 150 },
    );
  });

  it('booking an offered slot (busy with its buffer) leaves no slot within the buffer of it', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), ({ rules: r, query: q }, pick) => {
        const offered = freeSlots(r, q);
        if (offered.length === 0) return;
        const booked = offered[pick % offered.length];
        const buffer = r.bufferMinutes * MIN;
        const after = freeSlots(r, {
          ...q,
          busy: [...q.busy, { start: booked.startsAt, end: booked.endsAt + buffer }],
        });
        for (const s of after)
          expect(s.endsAt + buffer <= booked.startsAt || s.startsAt >= booked.endsAt + buffer, iso(s.startsAt)).toBe(
            true,
          );
        // Everything else stays offered.
        const kept = offered.filter(
          (s) => s.endsAt + buffer <= booked.startsAt || s.startsAt >= booked.endsAt + buffer,
        );
        expect(after).toEqual(kept);
      }),
      { numRuns: 200 },
    );
  });

  it('reads each wall-clock interval as the clock does: from the first reading of its start to that of its end', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.nat(),
        fc.integer({ min: -1, max: 1 }),
        dayIntervals,
        (timeZone, k, shift, ivs) => {
          const days = CHANGES[timeZone];
          const date = new Date(ms(`${days[k % days.length]}T00:00Z`) + shift * DAY).toISOString().slice(0, 10);
          for (const iv of ivs)
            expect(spanOf(date, iv, timeZone), `${date} ${iv.start}-${iv.end}`).toEqual(oracleSpan(date, iv, timeZone));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a working interval of L wall-clock minutes lasts L ± the change in real time, and exactly L on other days', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.nat(),
        fc.integer({ min: -1, max: 1 }),
        dayIntervals.filter((ivs) => ivs.length > 0),
        (timeZone, k, shift, ivs) => {
          const days = CHANGES[timeZone];
          const date = new Date(ms(`${days[k % days.length]}T00:00Z`) + shift * 7 * DAY).toISOString().slice(0, 10);
          for (const iv of ivs) {
            const span = spanOf(date, iv, timeZone);
            const wallMinutes = toMinutes(iv.end) - toMinutes(iv.start);
            const real = (span.end - span.start) / MIN;
            expect(real).toBeGreaterThanOrEqual(Math.max(0, wallMinutes - 60));
            expect(real).toBeLessThanOrEqual(wallMinutes + 60);
            if (shift !== 0) expect(real).toBe(wallMinutes);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
