-- Issue 17, appointments paid by card: a card booking holds its slot as `pending_payment` until the gateway's
-- webhook confirms it (-> booked) or `payment_due_at` passes (-> expired, the slot freed by the
-- appointments.expire-unpaid job). The held time counts as busy time like a booked one, so the exclusion
-- constraint is re-made with pending_payment among the states that hold a doctor's time.
ALTER TABLE "appointments" ADD COLUMN "payment_method" text DEFAULT 'wallet' NOT NULL;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "payment_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_payment_method" CHECK ("appointments"."payment_method" IN ('wallet', 'card'));--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_payment_due" CHECK ("appointments"."status" <> 'pending_payment' OR "appointments"."payment_due_at" IS NOT NULL);--> statement-breakpoint
ALTER TABLE "appointments" DROP CONSTRAINT "appointments_status";--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_status" CHECK ("appointments"."status" IN ('pending_payment', 'booked', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show', 'expired'));--> statement-breakpoint
-- Rule 9 as in 0019, with the held (unpaid card) state: a held slot cannot be booked by anyone else.
ALTER TABLE "appointments" DROP CONSTRAINT "appointments_no_overlap";--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_no_overlap" EXCLUDE USING gist (
	"doctor_id" WITH =,
	tstzrange("starts_at", "busy_until", '[)') WITH &&
) WHERE ("status" IN ('pending_payment', 'booked', 'checked_in', 'in_progress'));--> statement-breakpoint
-- The expiry job's scan: held bookings whose payment is due.
CREATE INDEX "appointments_payment_due_idx" ON "appointments" USING btree ("payment_due_at") WHERE "status" = 'pending_payment';--> statement-breakpoint
-- Payment intents gain the appointment purpose: it names its appointment (ref_id), at most one open per
-- appointment (a second checkout page is the first one again).
ALTER TABLE "payment_intents" DROP CONSTRAINT "payment_intents_purpose";--> statement-breakpoint
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_purpose" CHECK ("payment_intents"."purpose" IN ('order', 'wallet_top_up', 'appointment'));--> statement-breakpoint
ALTER TABLE "payment_intents" DROP CONSTRAINT "payment_intents_ref";--> statement-breakpoint
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_ref" CHECK (("payment_intents"."purpose" IN ('order', 'appointment')) = ("payment_intents"."ref_id" IS NOT NULL));--> statement-breakpoint
CREATE UNIQUE INDEX "payment_intents_open_appointment_key" ON "payment_intents" USING btree ("ref_id") WHERE "payment_intents"."purpose" = 'appointment' AND "payment_intents"."status" IN ('created', 'pending');--> statement-breakpoint
CREATE OR REPLACE FUNCTION "payment_intents_order_exists"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW."purpose" = 'order' AND NOT EXISTS (SELECT 1 FROM "orders" WHERE "id" = NEW."ref_id") THEN
		RAISE EXCEPTION 'payment intent % names no order %', NEW."id", NEW."ref_id" USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF NEW."purpose" = 'appointment' AND NOT EXISTS (SELECT 1 FROM "appointments" WHERE "id" = NEW."ref_id") THEN
		RAISE EXCEPTION 'payment intent % names no appointment %', NEW."id", NEW."ref_id" USING ERRCODE = 'foreign_key_violation';
	END IF;
	RETURN NEW;
END
$$;
