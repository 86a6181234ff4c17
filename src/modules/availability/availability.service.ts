import { Inject, Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import {
  MAX_SLOT_WINDOW_DAYS,
  type AvailabilityView,
  type PutAvailabilityBody,
  type SlotsQuery,
  type SlotsView,
  type TimeOffBody,
  type TimeOffQuery,
  type TimeOffView,
} from './availability.dto.js';
import { AvailabilityErrors } from './availability.errors.js';
import { AvailabilityRepository, type AvailabilityRow, type TimeOffRow } from './availability.repository.js';
import { freeSlots, offeredIn, type Slot } from './availability.rules.js';
import { AvailabilitySeams } from './availability.seams.js';
import { DoctorSchedules, rulesOf } from './doctor-schedules.js';
import { addDays, instantOf, midnightOf } from './availability.zone.js';

const DAY_MS = 86_400_000;
const DEFAULT_WINDOW_DAYS = 7;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const timeOffCursor = cursorShape(cursorField.instant, cursorField.id);

const view = (row: AvailabilityRow): AvailabilityView => ({
  doctorId: row.doctorId,
  timeZone: row.timeZone,
  slotMinutes: row.slotMinutes,
  bufferMinutes: row.bufferMinutes,
  minNoticeMinutes: row.minNoticeMinutes,
  maxDaysAhead: row.maxDaysAhead,
  weekly: row.weekly.map(({ day, start, end }) => ({ day, start, end })),
  overrides: row.overrides.map(({ date, intervals }) => ({
    date,
    intervals: intervals.map(({ start, end }) => ({ start, end })),
  })),
  updatedAt: row.updatedAt.toISOString(),
});

const timeOffView = (row: TimeOffRow): TimeOffView => ({
  id: row.id,
  startsAt: row.startsAt.toISOString(),
  endsAt: row.endsAt.toISOString(),
  reason: row.reason,
  createdAt: row.createdAt.toISOString(),
});

/**
 * A doctor's schedule and its free slots (exported from index.ts). The doctor routes are self-only: the
 * schedule and time off written and read are always the caller's, and only doctor accounts have one.
 */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly repo: AvailabilityRepository,
    private readonly seams: AvailabilitySeams,
    private readonly schedules: DoctorSchedules,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private doctorOf(actor: UserActor): string {
    if (actor.accountType !== 'doctor') throw AvailabilityErrors.notADoctor();
    return actor.userId;
  }

  /** PUT /v1/doctor/availability: replaces the caller's whole schedule (a pending doctor may set it too). */
  async put(actor: UserActor, body: PutAvailabilityBody): Promise<AvailabilityView> {
    const doctorId = this.doctorOf(actor);
    const row = await this.repo.upsert({
      doctorId,
      timeZone: body.timeZone,
      slotMinutes: body.slotMinutes,
      bufferMinutes: body.bufferMinutes,
      minNoticeMinutes: body.minNoticeMinutes,
      maxDaysAhead: body.maxDaysAhead,
      weekly: body.weekly
        .map(({ day, start, end }) => ({ day, start, end }))
        .sort((a, b) => a.day - b.day || a.start.localeCompare(b.start)),
      overrides: body.overrides
        .map(({ date, intervals }) => ({
          date,
          intervals: intervals.map(({ start, end }) => ({ start, end })).sort((a, b) => a.start.localeCompare(b.start)),
        }))
        .sort((a, b) => a.date.localeCompare(b.date)),
    });
    await this.schedules.forget(doctorId);
    return view(row);
  }

  async mine(actor: UserActor): Promise<AvailabilityView> {
    const row = await this.repo.find(this.doctorOf(actor));
    if (!row) throw AvailabilityErrors.notSet();
    return view(row);
  }

  async addTimeOff(actor: UserActor, body: TimeOffBody): Promise<TimeOffView> {
    const doctorId = this.doctorOf(actor);
    const row = await this.repo.insertTimeOff({
      doctorId,
      startsAt: new Date(body.startsAt),
      endsAt: new Date(body.endsAt),
      reason: body.reason ?? null,
    });
    await this.schedules.forget(doctorId);
    return timeOffView(row);
  }

  /** The caller's time off still running or to come, earliest first. */
  async listTimeOff(actor: UserActor, query: TimeOffQuery): Promise<Page<TimeOffView>> {
    const doctorId = this.doctorOf(actor);
    const after = decodeCursor(query.cursor, timeOffCursor);
    const rows = await this.repo.listTimeOff(
      doctorId,
      this.clock.now(),
      after && { startsAt: new Date(after[0]), id: after[1] },
      query.limit + 1,
    );
    return toPage(rows, query.limit, (r) => [r.startsAt.toISOString(), r.id], timeOffView);
  }

  /** The caller's own time off; another doctor's answers 404 like a missing one (audited). */
  async timeOff(actor: UserActor, id: string, meta?: RequestMeta): Promise<TimeOffView> {
    const doctorId = this.doctorOf(actor);
    const row = await this.repo.findTimeOff(id);
    if (!row) throw AvailabilityErrors.timeOffNotFound();
    if (row.doctorId !== doctorId)
      throw await this.audit.notYours(actor, 'doctor_time_off', id, meta, AvailabilityErrors.timeOffNotFound());
    return timeOffView(row);
  }

  async removeTimeOff(actor: UserActor, id: string, meta?: RequestMeta): Promise<void> {
    const doctorId = this.doctorOf(actor);
    if (await this.repo.deleteTimeOff(id, doctorId)) return this.schedules.forget(doctorId);
    const row = await this.repo.findTimeOff(id);
    if (row) throw await this.audit.notYours(actor, 'doctor_time_off', id, meta, AvailabilityErrors.timeOffNotFound());
    throw AvailabilityErrors.timeOffNotFound();
  }

  /**
   * GET /v1/doctors/:id/slots: the free slots starting in the window. A doctor id with no availability
   * (unknown, not a doctor, never set) or that the providers' gate refuses answers 404 like an unknown id.
   */
  async slots(doctorId: string, query: SlotsQuery): Promise<SlotsView> {
    const now = this.clock.now().getTime();
    const schedule = await this.schedules.get(doctorId, now);
    // A licence expires by the day passing, not by a write: checked on every search.
    if (!schedule || schedule.bookableThrough < new Date(now).toISOString().slice(0, 10))
      throw AvailabilityErrors.doctorNotFound();
    const { from, to } = window(query, schedule.rules.timeZone, now);
    return {
      doctorId,
      timeZone: schedule.rules.timeZone,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      items: offeredIn(schedule.rules, schedule.slots, { from, to, now }).map((s) => s.view),
    };
  }

  /**
   * For appointments: the offered slot starting exactly at `startsAt`, with the doctor's buffer, or null when
   * none is (not on the grid, taken, in time off, too soon or too far ahead, or the doctor not bookable).
   * In the caller's transaction, so a booking checks the slot and inserts under the same snapshot.
   */
  async offeredSlot(
    doctorId: string,
    startsAt: Date,
    tx?: DbOrTx,
  ): Promise<{ startsAt: Date; endsAt: Date; bufferMinutes: number; timeZone: string } | null> {
    const now = this.clock.now();
    const row = await this.repo.find(doctorId, tx);
    if (!row || !(await this.seams.bookable(doctorId, now, tx))) return null;
    const at = startsAt.getTime();
    const slot = (await this.freeIn(row, at, at + 1, now.getTime(), tx)).find((s) => s.startsAt === at);
    return slot
      ? { startsAt, endsAt: new Date(slot.endsAt), bufferMinutes: row.bufferMinutes, timeZone: row.timeZone }
      : null;
  }

  private async freeIn(row: AvailabilityRow, from: number, to: number, now: number, tx?: DbOrTx): Promise<Slot[]> {
    // Time off and busy time that can touch a slot starting in the window (a slot and its buffer reach past it).
    const reach = (row.slotMinutes + row.bufferMinutes) * 60_000;
    const [start, end] = [new Date(from), new Date(to + reach)];
    const timeOff = await this.repo.timeOffBetween(row.doctorId, start, end, tx);
    const busy = await this.seams.busyBetween(row.doctorId, start, end, tx);
    return freeSlots(rulesOf(row), {
      from,
      to,
      now,
      timeOff: timeOff.map((o) => ({ start: o.startsAt.getTime(), end: o.endsAt.getTime() })),
      busy: busy.map((b) => ({ start: b.startsAt.getTime(), end: b.endsAt.getTime() })),
    });
  }
}

/**
 * The window [from, to) of a slot search: a date is read on the doctor's clocks (from its start; `to` to its
 * end, so from=to=a date is that whole day), an instant as it is. At most MAX_SLOT_WINDOW_DAYS days long (an
 * hour more where a date range crosses a clock change).
 */
function window(query: SlotsQuery, timeZone: string, now: number): { from: number; to: number } {
  // The day after 9999-12-31 has no ISO date: refused before any clock is read.
  const localStart = (date: string) => (DATE_ONLY.test(date) ? instantOf(midnightOf(date), timeZone) : Number.NaN);
  const from =
    query.from === undefined ? now : DATE_ONLY.test(query.from) ? localStart(query.from) : Date.parse(query.from);
  const to =
    query.to === undefined
      ? from + DEFAULT_WINDOW_DAYS * DAY_MS
      : DATE_ONLY.test(query.to)
        ? localStart(addDays(query.to, 1))
        : Date.parse(query.to);
  // A date at the end of the window (9999-12-31) has no next day to end on.
  if (!Number.isFinite(to)) throw AvailabilityErrors.badWindow('to', 'is out of range');
  if (to <= from) throw AvailabilityErrors.badWindow('to', 'must be after from');
  if (to - from > MAX_SLOT_WINDOW_DAYS * DAY_MS + 3_600_000)
    throw AvailabilityErrors.badWindow('to', `must be at most ${MAX_SLOT_WINDOW_DAYS} days after from`);
  return { from, to };
}
