import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CacheService } from '../../kernel/cache/index.js';
import { OutboxService } from '../../kernel/events/index.js';
import { AvailabilityRepository, type AvailabilityRow } from './availability.repository.js';
import { freeSlotsAhead, type AvailabilityRules } from './availability.rules.js';
import { AvailabilitySeams } from './availability.seams.js';

const DAY_MS = 86_400_000;
/** How long a schedule may be served without a change heard: the bound on staleness a missed event leaves. */
export const SCHEDULE_TTL_SECONDS = 30;
const key = (doctorId: string) => `availability:schedule:${doctorId}`;

/** A free slot as the search answers it, with its instants (epoch ms) to cut by. */
export interface KeptSlot {
  startsAt: number;
  endsAt: number;
  view: { startsAt: string; endsAt: string };
}

/** What a slot search needs of a bookable doctor, read together: the rules and every free slot ahead. */
export interface Schedule {
  doctorId: string;
  rules: AvailabilityRules;
  /** The last day (YYYY-MM-DD, UTC) the doctor may be booked on (the providers' gate): checked per search. */
  bookableThrough: string;
  /** Every free slot from the load through the horizon and the time to live (freeSlotsAhead), earliest first. */
  slots: KeptSlot[];
}

export const rulesOf = (row: AvailabilityRow): AvailabilityRules => ({
  timeZone: row.timeZone,
  slotMinutes: row.slotMinutes,
  bufferMinutes: row.bufferMinutes,
  minNoticeMinutes: row.minNoticeMinutes,
  maxDaysAhead: row.maxDaysAhead,
  weekly: row.weekly,
  overrides: row.overrides,
});

/**
 * The public slot search's read of a doctor, kept in the two-level cache (CacheService: this process and
 * Redis, deletes reach every node): one read of the rules, the gate, the time off and the busy time over the
 * whole bookable horizon, cut into every free slot ahead, serves every search until something changes (a
 * search only cuts that list by its window, the notice and the horizon: offeredIn). Changes delete it: the doctor's own
 * writes here (availability, time off), providers' approval and profile changes (AvailabilitySeams
 * .scheduleChanged), and every `appointment.updated` event after its commit. Booking never reads this: it
 * checks its slot in its own transaction (AvailabilityService.offeredSlot) under the exclusion constraint,
 * so a search served a moment stale can show a slot that booking then refuses, never book one twice.
 */
@Injectable()
export class DoctorSchedules implements OnModuleInit {
  constructor(
    private readonly repo: AvailabilityRepository,
    private readonly seams: AvailabilitySeams,
    private readonly cache: CacheService,
    @Inject(OutboxService) private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    this.seams.onScheduleChanged((doctorId) => this.forget(doctorId));
    // Appointments' topics, by name (availability imports nothing of appointments'): bookings, moves,
    // cancellations and expiries change busy time.
    for (const topic of ['appointment.updated', 'appointment.rescheduled'])
      this.outbox.subscribe(
        topic,
        async (payload) => {
          const { doctorId } = payload as { doctorId?: string };
          if (doctorId) await this.forget(doctorId);
        },
        `availability.schedule-cache:${topic}`,
      );
  }

  /** The doctor's schedule as of `now`, or undefined when the doctor has none or is not approved. */
  get(doctorId: string, now: number): Promise<Schedule | undefined> {
    return this.cache.getOrLoad(key(doctorId), SCHEDULE_TTL_SECONDS, () => this.load(doctorId, now));
  }

  forget(doctorId: string): Promise<void> {
    return this.cache.del(key(doctorId));
  }

  private async load(doctorId: string, now: number): Promise<Schedule | undefined> {
    const row = await this.repo.find(doctorId);
    const bookableThrough = row ? await this.seams.bookableThrough(doctorId) : null;
    if (!row || bookableThrough === null) return undefined;
    const rules = rulesOf(row);
    // Far enough for the last slot offered while this is kept: the horizon, a slot and its buffer, a day
    // for the horizon's local midnight, and the time to live.
    const reach = (rules.slotMinutes + rules.bufferMinutes) * 60_000;
    const loadedTo = now + (rules.maxDaysAhead + 1) * DAY_MS + reach + SCHEDULE_TTL_SECONDS * 1000;
    const [start, end] = [new Date(now), new Date(loadedTo)];
    const timeOff = await this.repo.timeOffBetween(doctorId, start, end);
    const busy = await this.seams.busyBetween(doctorId, start, end);
    const slots = freeSlotsAhead(rules, {
      from: now,
      to: loadedTo,
      timeOff: timeOff.map((o) => ({ start: o.startsAt.getTime(), end: o.endsAt.getTime() })),
      busy: busy.map((b) => ({ start: b.startsAt.getTime(), end: b.endsAt.getTime() })),
    });
    return {
      doctorId,
      rules,
      bookableThrough,
      slots: slots.map((x) => ({
        startsAt: x.startsAt,
        endsAt: x.endsAt,
        view: { startsAt: new Date(x.startsAt).toISOString(), endsAt: new Date(x.endsAt).toISOString() },
      })),
    };
  }
}
