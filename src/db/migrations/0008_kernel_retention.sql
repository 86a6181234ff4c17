-- Idempotency keys expire and abandoned claims are taken over (issue 13, item 10). A claim carries the id
-- of the request that holds it, so a slow first owner cannot complete or free a key taken over from it.
ALTER TABLE "idempotency_keys" ADD COLUMN "claim_id" uuid;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "claimed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- The prune job deletes by age.
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");
