/**
 * The SQL our API runs for the slot search (GET /v1/doctors/:id/slots) and a booking (POST /v1/appointments,
 * paid from the wallet), copied verbatim from what the built application sends (captured from the pg
 * driver, bench/lib/sql-check.ts) as drizzle renders it from the repositories of availability, providers and
 * appointments; the idempotency, ledger, outbox and session statements are the commerce bench's (the same
 * repositories). When a repository changes, copy the statement again from the capture the bench prints.
 */
export {
  IDEMPOTENCY_CLAIM,
  IDEMPOTENCY_COMPLETE,
  LEDGER_WRITE,
  OUTBOX_INSERT,
  SESSION_STATE,
  accountsLockByCode,
} from '../commerce/queries.js';

export const AVAILABILITY_OF = `select "doctor_id", "time_zone", "slot_minutes", "buffer_minutes", "min_notice_minutes", "max_days_ahead", "weekly", "overrides", "created_at", "updated_at" from "doctor_availability" where "doctor_availability"."doctor_id" = $1`;

export const TIME_OFF_BETWEEN = `select "id", "doctor_id", "starts_at", "ends_at", "reason", "created_at" from "doctor_time_off" where ("doctor_time_off"."doctor_id" = $1 and "doctor_time_off"."ends_at" > $2 and "doctor_time_off"."starts_at" < $3) order by "doctor_time_off"."starts_at" asc, "doctor_time_off"."id" asc`;

/** The states that hold a doctor's time (appointments' ACTIVE_STATUSES), in their order as parameters. */
export const ACTIVE = ['pending_payment', 'booked', 'checked_in', 'in_progress'];
export const BUSY_BETWEEN = `select "starts_at", "busy_until" from "appointments" where ("appointments"."doctor_id" = $1 and "appointments"."status" in ($2, $3, $4, $5) and "appointments"."starts_at" < $6 and "appointments"."busy_until" > $7)`;

export const PROFILE_OF = `select "user_id", "name", "license_number", "license_expires_on", "languages", "bio_en", "bio_ar", "video_fee_minor", "clinic_fee_minor", "clinic_branch_id", "rating_count", "rating_sum", "approved_at", "approved_by", "created_at", "updated_at" from "doctor_profiles" where "doctor_profiles"."user_id" = $1`;

const APPOINTMENT_COLUMNS = `"id", "doctor_id", "patient_id", "starts_at", "ends_at", "busy_until", "type", "status", "fee_minor", "currency", "reason", "free_cancel_hours", "late_cancel_fee_percent", "reschedule_cap", "reschedules", "refunded_minor", "cancelled_by", "cancel_reason", "payment_method", "payment_due_at", "created_at", "updated_at"`;

export const APPOINTMENT_INSERT = `insert into "appointments" (${APPOINTMENT_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, default, default, default, default, $15, $16, default, default) returning ${APPOINTMENT_COLUMNS}`;

export const APPOINTMENT_TRANSITION_INSERT = `insert into "appointment_transitions" ("id", "appointment_id", "from_status", "to_status", "actor_id", "reason", "created_at") values ($1, $2, $3, $4, $5, default, default)`;

/** Plans' liveOf, locked: a patient's active or past-due subscription (a booking may use its free consultation). */
export const SUBSCRIPTION_LIVE = `select "id", "customer_id", "plan_id", "status", "payment_method", "price_minor", "currency", "interval", "period_no", "current_period_start", "current_period_end", "cancel_at_period_end", "grace_until", "next_retry_at", "ended_at", "created_at", "updated_at" from "subscriptions" where ("subscriptions"."customer_id" = $1 and "subscriptions"."status" in ($2, $3)) for update`;
