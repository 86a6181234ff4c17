-- Issue 17, availability: a doctor's working hours and time off, from which free slots are computed.
-- One row per doctor (their user id): the weekly wall-clock intervals and the date overrides, both read in the
-- doctor's IANA zone, as jsonb (a PUT replaces them whole; the slot rule reads them whole; nothing queries
-- inside them), with the slot length, buffer, minimum notice and days ahead bounded here as in the API.
CREATE TABLE "doctor_availability" (
	"doctor_id" uuid PRIMARY KEY NOT NULL,
	"time_zone" text NOT NULL,
	"slot_minutes" integer NOT NULL,
	"buffer_minutes" integer NOT NULL,
	"min_notice_minutes" integer NOT NULL,
	"max_days_ahead" integer NOT NULL,
	"weekly" jsonb NOT NULL,
	"overrides" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "doctor_availability_slot" CHECK ("doctor_availability"."slot_minutes" BETWEEN 5 AND 480),
	CONSTRAINT "doctor_availability_buffer" CHECK ("doctor_availability"."buffer_minutes" BETWEEN 0 AND 240),
	CONSTRAINT "doctor_availability_notice" CHECK ("doctor_availability"."min_notice_minutes" BETWEEN 0 AND 43200),
	CONSTRAINT "doctor_availability_ahead" CHECK ("doctor_availability"."max_days_ahead" BETWEEN 1 AND 365),
	CONSTRAINT "doctor_availability_weekly" CHECK (jsonb_typeof("doctor_availability"."weekly") = 'array'),
	CONSTRAINT "doctor_availability_overrides" CHECK (jsonb_typeof("doctor_availability"."overrides") = 'array')
);
--> statement-breakpoint
ALTER TABLE "doctor_availability" ADD CONSTRAINT "doctor_availability_doctor_fk" FOREIGN KEY ("doctor_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
-- Time off: real instants (a holiday, a conference), never slots; a doctor's own rows.
CREATE TABLE "doctor_time_off" (
	"id" uuid PRIMARY KEY NOT NULL,
	"doctor_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "doctor_time_off_range" CHECK ("doctor_time_off"."ends_at" > "doctor_time_off"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "doctor_time_off" ADD CONSTRAINT "doctor_time_off_doctor_fk" FOREIGN KEY ("doctor_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
-- The slot search reads a doctor's time off overlapping the window: ends after its start.
CREATE INDEX "doctor_time_off_doctor_idx" ON "doctor_time_off" USING btree ("doctor_id","ends_at");
