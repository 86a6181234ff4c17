-- Issue 17, appointments: a patient's booking of one offered slot of a doctor, with the fee and the
-- cancellation policy copied onto it at booking (a later config change never alters a booked appointment).
-- busy_until = ends_at + the doctor's buffer at booking: the occupied range is [starts_at, busy_until) (a
-- column, because timestamptz + interval is only STABLE and an exclusion constraint needs IMMUTABLE).
CREATE TABLE "appointments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"doctor_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"busy_until" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"fee_minor" integer NOT NULL,
	"currency" text NOT NULL,
	"reason" text,
	"free_cancel_hours" integer NOT NULL,
	"late_cancel_fee_percent" integer NOT NULL,
	"reschedule_cap" integer NOT NULL,
	"reschedules" integer DEFAULT 0 NOT NULL,
	"refunded_minor" integer DEFAULT 0 NOT NULL,
	"cancelled_by" uuid,
	"cancel_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "appointments_range" CHECK ("appointments"."ends_at" > "appointments"."starts_at"),
	CONSTRAINT "appointments_busy" CHECK ("appointments"."busy_until" >= "appointments"."ends_at"),
	CONSTRAINT "appointments_type" CHECK ("appointments"."type" IN ('video', 'clinic')),
	CONSTRAINT "appointments_status" CHECK ("appointments"."status" IN ('booked', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show')),
	CONSTRAINT "appointments_fee" CHECK ("appointments"."fee_minor" >= 0),
	CONSTRAINT "appointments_refunded" CHECK ("appointments"."refunded_minor" BETWEEN 0 AND "appointments"."fee_minor"),
	CONSTRAINT "appointments_policy" CHECK ("appointments"."free_cancel_hours" >= 0 AND "appointments"."late_cancel_fee_percent" BETWEEN 0 AND 100 AND "appointments"."reschedule_cap" >= 0),
	CONSTRAINT "appointments_reschedules" CHECK ("appointments"."reschedules" BETWEEN 0 AND "appointments"."reschedule_cap"),
	CONSTRAINT "appointments_not_self" CHECK ("appointments"."doctor_id" <> "appointments"."patient_id")
);
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_doctor_fk" FOREIGN KEY ("doctor_id") REFERENCES "users"("id");--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_patient_fk" FOREIGN KEY ("patient_id") REFERENCES "users"("id");--> statement-breakpoint
-- Rule 9: a doctor's active time never overlaps, buffer included; of N parallel bookings of one slot exactly
-- one commits (the others fail with 23P01, answered 409 appointments/slot-taken). Ended or cancelled
-- appointments free the time. btree_gist (0000_extensions) supplies the = on uuid.
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_no_overlap" EXCLUDE USING gist (
	"doctor_id" WITH =,
	tstzrange("starts_at", "busy_until", '[)') WITH &&
) WHERE ("status" IN ('booked', 'checked_in', 'in_progress'));--> statement-breakpoint
CREATE INDEX "appointments_patient_idx" ON "appointments" USING btree ("patient_id", "starts_at" DESC, "id" DESC);--> statement-breakpoint
CREATE INDEX "appointments_doctor_idx" ON "appointments" USING btree ("doctor_id", "starts_at" DESC, "id" DESC);--> statement-breakpoint
-- The no-show job's scan: booked appointments whose start has passed.
CREATE INDEX "appointments_booked_idx" ON "appointments" USING btree ("starts_at") WHERE "status" = 'booked';--> statement-breakpoint
-- Every step of the lifecycle, the first one (null -> booked) included.
CREATE TABLE "appointment_transitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"appointment_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor_id" uuid,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "appointment_transitions" ADD CONSTRAINT "appointment_transitions_appointment_fk" FOREIGN KEY ("appointment_id") REFERENCES "appointments"("id") ON DELETE CASCADE;--> statement-breakpoint
CREATE INDEX "appointment_transitions_appointment_idx" ON "appointment_transitions" USING btree ("appointment_id", "created_at");
