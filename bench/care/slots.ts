import type pg from 'pg';
import {
  freeSlots,
  freeSlotsAhead,
  offeredIn,
  type AvailabilityRules,
} from '../../src/modules/availability/availability.rules.js';
import { addDays, instantOf, midnightOf } from '../../src/modules/availability/availability.zone.js';
import { isoDay, practiceRefusal } from '../../src/modules/providers/providers.rules.js';
import * as Q from './queries.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

type Queryable = Pick<pg.ClientBase, 'query'>;

const rulesOf = (r: any): AvailabilityRules => ({
  timeZone: r.time_zone,
  slotMinutes: r.slot_minutes,
  bufferMinutes: r.buffer_minutes,
  minNoticeMinutes: r.min_notice_minutes,
  maxDaysAhead: r.max_days_ahead,
  weekly: r.weekly,
  overrides: r.overrides,
});

/** The providers' gate (approved, licence valid on the day) on the profile row. */
export async function bookable(db: Queryable, doctorId: string, at: Date): Promise<any | undefined> {
  const p = (await db.query(Q.PROFILE_OF, [doctorId])).rows[0];
  const facts = p && {
    licenseExpiresOn: isoDay(p.license_expires_on as Date),
    approvedAt: p.approved_at as Date | null,
  };
  return practiceRefusal(facts as never, isoDay(at)) === null ? p : undefined;
}

/** AvailabilityService.freeIn: time off and busy time that can touch a slot of the window, then the rules. */
export async function freeIn(db: Queryable, row: any, from: number, to: number, now: number) {
  const reach = (row.slot_minutes + row.buffer_minutes) * 60_000;
  const [start, end] = [new Date(from), new Date(to + reach)];
  const off = (await db.query(Q.TIME_OFF_BETWEEN, [row.doctor_id, start, end])).rows;
  const busy = (await db.query(Q.BUSY_BETWEEN, [row.doctor_id, ...Q.ACTIVE, end, start])).rows;
  return freeSlots(rulesOf(row), {
    from,
    to,
    now,
    timeOff: off.map((o) => ({ start: (o.starts_at as Date).getTime(), end: (o.ends_at as Date).getTime() })),
    busy: busy.map((b) => ({ start: (b.starts_at as Date).getTime(), end: (b.busy_until as Date).getTime() })),
  });
}

const DAY_MS = 86_400_000;
const SCHEDULE_TTL_MS = 30_000;
const schedules = new Map<string, { at: number; schedule: Schedule | undefined }>();
interface Schedule {
  row: any;
  bookableThrough: string;
  slots: { startsAt: number; endsAt: number; view: { startsAt: string; endsAt: string } }[];
}

/** Availability's DoctorSchedules.load: the rules, the gate's last day, time off and busy time ahead. */
async function loadSchedule(db: Queryable, doctorId: string, now: number): Promise<Schedule | undefined> {
  const row = (await db.query(Q.AVAILABILITY_OF, [doctorId])).rows[0];
  if (!row) return undefined;
  const p = (await db.query(Q.PROFILE_OF, [doctorId])).rows[0];
  if (!p || p.approved_at === null) return undefined;
  const reach = (row.slot_minutes + row.buffer_minutes) * 60_000;
  const loadedTo = now + (row.max_days_ahead + 1) * DAY_MS + reach + SCHEDULE_TTL_MS;
  const [start, end] = [new Date(now), new Date(loadedTo)];
  const off = (await db.query(Q.TIME_OFF_BETWEEN, [doctorId, start, end])).rows;
  const busy = (await db.query(Q.BUSY_BETWEEN, [doctorId, ...Q.ACTIVE, end, start])).rows;
  const slots = freeSlotsAhead(rulesOf(row), {
    from: now,
    to: loadedTo,
    timeOff: off.map((o) => ({ start: (o.starts_at as Date).getTime(), end: (o.ends_at as Date).getTime() })),
    busy: busy.map((b) => ({ start: (b.starts_at as Date).getTime(), end: (b.busy_until as Date).getTime() })),
  });
  return {
    row,
    bookableThrough: isoDay(p.license_expires_on as Date),
    slots: slots.map((x) => ({
      startsAt: x.startsAt,
      endsAt: x.endsAt,
      view: { startsAt: new Date(x.startsAt).toISOString(), endsAt: new Date(x.endsAt).toISOString() },
    })),
  };
}

/** A booking changed the doctor's busy time (ours: the schedule cache's delete). */
export function forgetSchedule(doctorId: string): void {
  schedules.delete(doctorId);
}

/**
 * GET /v1/doctors/:id/slots with ISO dates (the bench's query): the doctor's free slots of those days, from
 * the doctor's free slots ahead kept in memory for 30 s and cut per search, as ours keeps them (one process
 * here; ours in its two-level cache).
 */
export async function searchSlots(db: Queryable, doctorId: string, fromDate: string, toDate: string) {
  const now = Date.now();
  let kept = schedules.get(doctorId);
  if (!kept || now - kept.at >= SCHEDULE_TTL_MS) {
    kept = { at: now, schedule: await loadSchedule(db, doctorId, now) };
    schedules.set(doctorId, kept);
  }
  const schedule = kept.schedule;
  if (!schedule || schedule.bookableThrough < isoDay(new Date(now))) return undefined;
  const { row } = schedule;
  if (!DATE_ONLY.test(fromDate) || !DATE_ONLY.test(toDate)) throw new Error('the bench searches by dates');
  const from = instantOf(midnightOf(fromDate), row.time_zone);
  const to = instantOf(midnightOf(addDays(toDate, 1)), row.time_zone);
  return {
    doctorId,
    timeZone: row.time_zone as string,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    items: offeredIn(rulesOf(row), schedule.slots, { from, to, now }).map((s) => s.view),
  };
}
