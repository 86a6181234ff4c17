import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, lt, or } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { doctorAvailability, doctorTimeOff } from './availability.tables.js';

export type AvailabilityRow = typeof doctorAvailability.$inferSelect;
export type NewAvailability = Omit<typeof doctorAvailability.$inferInsert, 'createdAt' | 'updatedAt'>;
export type TimeOffRow = typeof doctorTimeOff.$inferSelect;

/** All SQL of availability (rule 4). Decides nothing. */
@Injectable()
export class AvailabilityRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** Replaces the doctor's whole schedule (one row per doctor). */
  async upsert(row: NewAvailability, tx: DbOrTx = this.db): Promise<AvailabilityRow> {
    const { doctorId: _id, ...rest } = row;
    const [saved] = await tx
      .insert(doctorAvailability)
      .values(row)
      .onConflictDoUpdate({ target: doctorAvailability.doctorId, set: { ...rest, updatedAt: new Date() } })
      .returning();
    return saved;
  }

  async find(doctorId: string, tx: DbOrTx = this.db): Promise<AvailabilityRow | undefined> {
    const [row] = await tx.select().from(doctorAvailability).where(eq(doctorAvailability.doctorId, doctorId));
    return row;
  }

  async insertTimeOff(
    row: { doctorId: string; startsAt: Date; endsAt: Date; reason: string | null },
    tx: DbOrTx = this.db,
  ): Promise<TimeOffRow> {
    const [saved] = await tx.insert(doctorTimeOff).values(row).returning();
    return saved;
  }

  async findTimeOff(id: string, tx: DbOrTx = this.db): Promise<TimeOffRow | undefined> {
    const [row] = await tx.select().from(doctorTimeOff).where(eq(doctorTimeOff.id, id));
    return row;
  }

  /** Deletes the doctor's own time off; false when there is none with this id of theirs. */
  async deleteTimeOff(id: string, doctorId: string, tx: DbOrTx = this.db): Promise<boolean> {
    const rows = await tx
      .delete(doctorTimeOff)
      .where(and(eq(doctorTimeOff.id, id), eq(doctorTimeOff.doctorId, doctorId)))
      .returning({ id: doctorTimeOff.id });
    return rows.length === 1;
  }

  /** The doctor's time off overlapping [from, to) (index doctor_time_off_doctor_idx). */
  timeOffBetween(doctorId: string, from: Date, to: Date, tx: DbOrTx = this.db): Promise<TimeOffRow[]> {
    return tx
      .select()
      .from(doctorTimeOff)
      .where(and(eq(doctorTimeOff.doctorId, doctorId), gt(doctorTimeOff.endsAt, from), lt(doctorTimeOff.startsAt, to)))
      .orderBy(asc(doctorTimeOff.startsAt), asc(doctorTimeOff.id));
  }

  /**
   * The doctor's time off still running or to come (ending after `now`), earliest start first, after the
   * keyset `after` (start, id).
   */
  listTimeOff(
    doctorId: string,
    now: Date,
    after: { startsAt: Date; id: string } | undefined,
    limit: number,
    tx: DbOrTx = this.db,
  ): Promise<TimeOffRow[]> {
    return tx
      .select()
      .from(doctorTimeOff)
      .where(
        and(
          eq(doctorTimeOff.doctorId, doctorId),
          gt(doctorTimeOff.endsAt, now),
          after
            ? or(
                gt(doctorTimeOff.startsAt, after.startsAt),
                and(eq(doctorTimeOff.startsAt, after.startsAt), gt(doctorTimeOff.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(asc(doctorTimeOff.startsAt), asc(doctorTimeOff.id))
      .limit(limit);
  }
}
