import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, gt, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import { moveStatus } from '../../db/transitions.js';
import { ACTIVE_STATUSES } from './appointments.machine.js';
import { appointmentTransitions, appointments } from './appointments.tables.js';

export type AppointmentRow = typeof appointments.$inferSelect;
export type NewAppointment = Omit<typeof appointments.$inferInsert, 'createdAt' | 'updatedAt'> & { id: string };

/** All SQL of appointments (rule 4). Decides nothing. */
@Injectable()
export class AppointmentsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  /** The row and its first history row; the exclusion constraint refuses an overlap (23P01). */
  async insert(row: NewAppointment, actorId: string | null, tx: DbOrTx): Promise<AppointmentRow> {
    const [saved] = await tx.insert(appointments).values(row).returning();
    await tx
      .insert(appointmentTransitions)
      .values({ appointmentId: saved.id, fromStatus: null, toStatus: saved.status, actorId });
    return saved;
  }

  async find(id: string, tx: DbOrTx = this.db): Promise<AppointmentRow | undefined> {
    const [row] = await tx.select().from(appointments).where(eq(appointments.id, id));
    return row;
  }

  async lock(id: string, tx: DbOrTx): Promise<AppointmentRow | undefined> {
    const [row] = await tx.select().from(appointments).where(eq(appointments.id, id)).for('update');
    return row;
  }

  async move(
    id: string,
    from: string,
    to: string,
    set: Partial<Pick<AppointmentRow, 'cancelledBy' | 'cancelReason' | 'refundedMinor'>>,
    tx: DbOrTx,
  ): Promise<AppointmentRow | undefined> {
    const [row] = await moveStatus(tx, appointments, appointments.status, eq(appointments.id, id), from, to, {
      ...set,
      updatedAt: new Date(),
    });
    return row;
  }

  /**
   * Moves a booked appointment to a new range, counting the move, only while booked and under its cap (the
   * exclusion constraint checks the new range against the doctor's other appointments). Undefined when the
   * row was not booked or at its cap.
   */
  async reschedule(
    id: string,
    range: { startsAt: Date; endsAt: Date; busyUntil: Date },
    tx: DbOrTx,
  ): Promise<AppointmentRow | undefined> {
    const [row] = await tx
      .update(appointments)
      .set({ ...range, reschedules: sql`${appointments.reschedules} + 1`, updatedAt: new Date() })
      .where(
        and(
          eq(appointments.id, id),
          eq(appointments.status, 'booked'),
          lt(appointments.reschedules, appointments.rescheduleCap),
        ),
      )
      .returning();
    return row;
  }

  async appendTransition(
    row: { appointmentId: string; fromStatus: string; toStatus: string; actorId: string | null; reason: string | null },
    tx: DbOrTx,
  ): Promise<void> {
    await tx.insert(appointmentTransitions).values(row);
  }

  /** The doctor's active appointments whose occupied range [startsAt, busyUntil) overlaps [from, to). */
  busyBetween(
    doctorId: string,
    from: Date,
    to: Date,
    tx: DbOrTx = this.db,
  ): Promise<{ startsAt: Date; busyUntil: Date }[]> {
    return tx
      .select({ startsAt: appointments.startsAt, busyUntil: appointments.busyUntil })
      .from(appointments)
      .where(
        and(
          eq(appointments.doctorId, doctorId),
          inArray(appointments.status, [...ACTIVE_STATUSES]),
          lt(appointments.startsAt, to),
          gt(appointments.busyUntil, from),
        ),
      );
  }

  /**
   * A page of one person's appointments, latest start first, after the keyset (startsAt, id): as the
   * patient (`patient_id`) or as the doctor (`doctor_id`).
   */
  listOf(
    role: 'patient' | 'doctor',
    userId: string,
    after: { startsAt: Date; id: string } | undefined,
    limit: number,
    tx: DbOrTx = this.db,
  ): Promise<AppointmentRow[]> {
    const owner = role === 'patient' ? appointments.patientId : appointments.doctorId;
    return tx
      .select()
      .from(appointments)
      .where(
        and(
          eq(owner, userId),
          after
            ? or(
                lt(appointments.startsAt, after.startsAt),
                and(eq(appointments.startsAt, after.startsAt), lt(appointments.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(appointments.startsAt), desc(appointments.id))
      .limit(limit);
  }

  /** Held card bookings whose payment was due by `by` (the expiry job), oldest first. */
  overdueUnpaid(by: Date, limit: number, tx: DbOrTx = this.db): Promise<{ id: string }[]> {
    return tx
      .select({ id: appointments.id })
      .from(appointments)
      .where(and(eq(appointments.status, 'pending_payment'), lte(appointments.paymentDueAt, by)))
      .orderBy(appointments.paymentDueAt)
      .limit(limit);
  }

  /** Booked appointments that started before `before` (the no-show job), oldest first. */
  overdueBooked(before: Date, limit: number, tx: DbOrTx = this.db): Promise<{ id: string }[]> {
    return tx
      .select({ id: appointments.id })
      .from(appointments)
      .where(and(eq(appointments.status, 'booked'), lt(appointments.startsAt, before)))
      .orderBy(appointments.startsAt)
      .limit(limit);
  }
}
