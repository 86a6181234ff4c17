import type pg from 'pg';
import { freeSlots, type AvailabilityRules } from '../../src/modules/availability/availability.rules.js';
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

/** GET /v1/doctors/:id/slots with ISO dates (the bench's query): the doctor's free slots of those days. */
export async function searchSlots(db: Queryable, doctorId: string, fromDate: string, toDate: string) {
  const now = Date.now();
  const row = (await db.query(Q.AVAILABILITY_OF, [doctorId])).rows[0];
  if (!row || !(await bookable(db, doctorId, new Date(now)))) return undefined;
  if (!DATE_ONLY.test(fromDate) || !DATE_ONLY.test(toDate)) throw new Error('the bench searches by dates');
  const from = instantOf(midnightOf(fromDate), row.time_zone);
  const to = instantOf(midnightOf(addDays(toDate, 1)), row.time_zone);
  const items = await freeIn(db, row, from, to, now);
  return {
    doctorId,
    timeZone: row.time_zone as string,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    items: items.map((s) => ({
      startsAt: new Date(s.startsAt).toISOString(),
      endsAt: new Date(s.endsAt).toISOString(),
    })),
  };
}
