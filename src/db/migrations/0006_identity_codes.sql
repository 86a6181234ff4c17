-- Issue 13, items 1-2: one live code per account and purpose, one code budget per account, verified email.
-- A new purpose: codes that prove an email address (mirrors phone verification). Added in its own
-- statement and not used below: PostgreSQL refuses a new enum value in the transaction that adds it.
ALTER TYPE "otp_purpose" ADD VALUE IF NOT EXISTS 'email_verification';--> statement-breakpoint
-- Codes and resets go only to verified contacts. Existing addresses stay unverified: nothing proved them,
-- and the owner proves one with POST /v1/auth/email/request + /verify.
ALTER TABLE "users" ADD COLUMN "email_verified_at" timestamp with time zone;--> statement-breakpoint
-- Two concurrent requests could leave two live codes; keep the newest of each pair before the rule below.
UPDATE "one_time_codes" SET "consumed_at" = now()
WHERE "consumed_at" IS NULL AND "id" NOT IN (
  SELECT DISTINCT ON ("user_id", "purpose") "id" FROM "one_time_codes"
  WHERE "consumed_at" IS NULL
  ORDER BY "user_id", "purpose", "created_at" DESC, "id" DESC
);--> statement-breakpoint
-- At most one live code per account and purpose: a new code replaces the old one in the same row
-- (INSERT ... ON CONFLICT), so the code last sent is the only one that can match.
CREATE UNIQUE INDEX "one_time_codes_one_live" ON "one_time_codes" USING btree ("user_id","purpose") WHERE "consumed_at" IS NULL;--> statement-breakpoint
DROP INDEX IF EXISTS "one_time_codes_user_purpose_idx";--> statement-breakpoint
-- One budget per account across routes, purposes and identifiers, counted by conditional upserts.
CREATE TABLE "code_budgets" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"codes_issued" integer DEFAULT 0 NOT NULL,
	"wrong_guesses" integer DEFAULT 0 NOT NULL,
	"paused_at" timestamp with time zone,
	CONSTRAINT "code_budgets_counts_nonneg" CHECK ("code_budgets"."codes_issued" >= 0 AND "code_budgets"."wrong_guesses" >= 0)
);--> statement-breakpoint
ALTER TABLE "code_budgets" ADD CONSTRAINT "code_budgets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
