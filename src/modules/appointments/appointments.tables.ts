import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';

/**
 * A booking of one offered slot (migration 0019). `busyUntil` = `endsAt` + the doctor's buffer at booking;
 * the exclusion constraint `appointments_no_overlap` keeps a doctor's active [startsAt, busyUntil) disjoint.
 * The fee and the cancellation policy are copied at booking. A card booking holds its time as pending_payment
 * (counted by the constraint) until paid or `paymentDueAt` (migration 0022).
 */
export const appointments = pgTable(
  'appointments',
  {
    id: pk(),
    // References users (migration 0019).
    doctorId: uuid('doctor_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    startsAt: tsz('starts_at').notNull(),
    endsAt: tsz('ends_at').notNull(),
    busyUntil: tsz('busy_until').notNull(),
    type: text('type').notNull(),
    status: text('status').notNull(),
    feeMinor: integer('fee_minor').notNull(),
    currency: text('currency').notNull(),
    reason: text('reason'),
    freeCancelHours: integer('free_cancel_hours').notNull(),
    lateCancelFeePercent: integer('late_cancel_fee_percent').notNull(),
    rescheduleCap: integer('reschedule_cap').notNull(),
    reschedules: integer('reschedules').notNull().default(0),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    cancelledBy: uuid('cancelled_by'),
    cancelReason: text('cancel_reason'),
    /** How the fee is paid (migration 0022): from the wallet at booking, or by card on the gateway's page. */
    paymentMethod: text('payment_method').notNull().default('wallet'),
    /** A held (pending_payment) card booking expires and frees its slot at this instant (migration 0022). */
    paymentDueAt: tsz('payment_due_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('appointments_patient_idx').on(t.patientId, t.startsAt.desc(), t.id.desc()),
    index('appointments_doctor_idx').on(t.doctorId, t.startsAt.desc(), t.id.desc()),
    check('appointments_range', sql`${t.endsAt} > ${t.startsAt}`),
    check('appointments_busy', sql`${t.busyUntil} >= ${t.endsAt}`),
    check('appointments_payment_method', sql`${t.paymentMethod} IN ('wallet', 'card')`),
    check('appointments_payment_due', sql`${t.status} <> 'pending_payment' OR ${t.paymentDueAt} IS NOT NULL`),
  ],
);

/** Every lifecycle step of an appointment (migration 0019), the first (null -> booked) included. */
export const appointmentTransitions = pgTable(
  'appointment_transitions',
  {
    id: pk(),
    appointmentId: uuid('appointment_id').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    actorId: uuid('actor_id'),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [index('appointment_transitions_appointment_idx').on(t.appointmentId, t.createdAt)],
);
