-- Jobs that failed after their last retry (the dead-letter state), kept where staff can list and retry them.
CREATE TABLE "job_failures" (
  "id" uuid PRIMARY KEY NOT NULL,
  "name" text NOT NULL,
  "payload" jsonb NOT NULL,
  "attempts" integer NOT NULL,
  "last_error" text NOT NULL,
  "failed_at" timestamp with time zone DEFAULT now() NOT NULL,
  "retried_at" timestamp with time zone,
  -- The staff member who retried it (the row is the retry's audit trail).
  "retried_by" uuid,
  CONSTRAINT "job_failures_attempts_check" CHECK ("attempts" >= 1)
);
--> statement-breakpoint
CREATE INDEX "job_failures_pending_idx" ON "job_failures" USING btree ("failed_at" DESC, "id" DESC) WHERE "retried_at" IS NULL;
--> statement-breakpoint
-- One row per (subscriber, event) it has handled: at-least-once delivery, effects applied once.
CREATE TABLE "processed_events" (
  "handler" text NOT NULL,
  "event_id" uuid NOT NULL,
  "processed_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "processed_events_pk" PRIMARY KEY ("handler", "event_id")
);
