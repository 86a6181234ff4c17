-- Issue 17, consultations: a consultation's id is its appointment's id (one consultation per appointment), so
-- every table here keys on appointment_id. Lifecycle steps stay in appointments (appointment_transitions).
-- Chat messages of a consultation: text, attachments (files the sender owns), or both.
CREATE TABLE "consultation_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"appointment_id" uuid NOT NULL,
	"sender_id" uuid NOT NULL,
	"body" text,
	"file_ids" uuid[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consultation_messages_content" CHECK ("consultation_messages"."body" IS NOT NULL OR cardinality("consultation_messages"."file_ids") > 0),
	CONSTRAINT "consultation_messages_files" CHECK (cardinality("consultation_messages"."file_ids") <= 5),
	CONSTRAINT "consultation_messages_body" CHECK (char_length("consultation_messages"."body") BETWEEN 1 AND 4000)
);
--> statement-breakpoint
ALTER TABLE "consultation_messages" ADD CONSTRAINT "consultation_messages_appointment_fk" FOREIGN KEY ("appointment_id") REFERENCES "appointments"("id");--> statement-breakpoint
ALTER TABLE "consultation_messages" ADD CONSTRAINT "consultation_messages_sender_fk" FOREIGN KEY ("sender_id") REFERENCES "users"("id");--> statement-breakpoint
CREATE INDEX "consultation_messages_appointment_idx" ON "consultation_messages" USING btree ("appointment_id", "id" DESC);--> statement-breakpoint
-- The doctor's clinical note (SOAP), one per consultation: a draft until signed_at is set, then locked.
CREATE TABLE "consultation_notes" (
	"appointment_id" uuid PRIMARY KEY NOT NULL,
	"doctor_id" uuid NOT NULL,
	"subjective" text,
	"objective" text,
	"assessment" text,
	"plan" text,
	"signed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consultation_notes" ADD CONSTRAINT "consultation_notes_appointment_fk" FOREIGN KEY ("appointment_id") REFERENCES "appointments"("id");--> statement-breakpoint
ALTER TABLE "consultation_notes" ADD CONSTRAINT "consultation_notes_doctor_fk" FOREIGN KEY ("doctor_id") REFERENCES "users"("id");--> statement-breakpoint
-- Rule 9 (DOMAIN: notes are signed and then locked; corrections are addenda): a signed note is never
-- changed or removed, whatever the application does.
CREATE OR REPLACE FUNCTION consultation_notes_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.signed_at IS NOT NULL THEN
    RAISE EXCEPTION 'a signed consultation note is locked' USING ERRCODE = 'check_violation', CONSTRAINT = 'consultation_notes_locked';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER consultation_notes_locked BEFORE UPDATE OR DELETE ON consultation_notes
  FOR EACH ROW EXECUTE FUNCTION consultation_notes_lock();--> statement-breakpoint
-- Corrections to a signed note: each signed by its author at signed_at, append-only.
CREATE TABLE "consultation_note_addenda" (
	"id" uuid PRIMARY KEY NOT NULL,
	"appointment_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"signed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consultation_note_addenda_body" CHECK (char_length("consultation_note_addenda"."body") BETWEEN 1 AND 10000)
);
--> statement-breakpoint
ALTER TABLE "consultation_note_addenda" ADD CONSTRAINT "consultation_note_addenda_note_fk" FOREIGN KEY ("appointment_id") REFERENCES "consultation_notes"("appointment_id");--> statement-breakpoint
ALTER TABLE "consultation_note_addenda" ADD CONSTRAINT "consultation_note_addenda_author_fk" FOREIGN KEY ("author_id") REFERENCES "users"("id");--> statement-breakpoint
CREATE INDEX "consultation_note_addenda_note_idx" ON "consultation_note_addenda" USING btree ("appointment_id", "signed_at");--> statement-breakpoint
CREATE OR REPLACE FUNCTION consultation_note_addenda_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consultation_note_addenda is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER consultation_note_addenda_append_only BEFORE UPDATE OR DELETE ON consultation_note_addenda
  FOR EACH ROW EXECUTE FUNCTION consultation_note_addenda_refuse_change();--> statement-breakpoint
-- The patient's rating of a completed consultation: once per appointment (the primary key).
CREATE TABLE "consultation_ratings" (
	"appointment_id" uuid PRIMARY KEY NOT NULL,
	"patient_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"stars" integer NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consultation_ratings_stars" CHECK ("consultation_ratings"."stars" BETWEEN 1 AND 5)
);
--> statement-breakpoint
ALTER TABLE "consultation_ratings" ADD CONSTRAINT "consultation_ratings_appointment_fk" FOREIGN KEY ("appointment_id") REFERENCES "appointments"("id");--> statement-breakpoint
ALTER TABLE "consultation_ratings" ADD CONSTRAINT "consultation_ratings_patient_fk" FOREIGN KEY ("patient_id") REFERENCES "users"("id");--> statement-breakpoint
ALTER TABLE "consultation_ratings" ADD CONSTRAINT "consultation_ratings_doctor_fk" FOREIGN KEY ("doctor_id") REFERENCES "users"("id");
