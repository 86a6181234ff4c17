-- Issue 13, item 12: links between modules that the database must keep (declared here, not in drizzle tables,
-- as modules do not import each other's tables: see 0004). Branches and accounts are deactivated or
-- suspended, never deleted, so a row that names one blocks its deletion.
ALTER TABLE "role_assignments" ADD CONSTRAINT "role_assignments_branch_fk" FOREIGN KEY ("branch_id") REFERENCES "branches"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "offer_redemptions" ADD CONSTRAINT "offer_redemptions_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_actor_fk" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
-- Jobs act as the system actor, which is no account: only system movements go without an actor id.
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_actor_present" CHECK ("actor_id" IS NOT NULL OR "actor_type" = 'system');--> statement-breakpoint
-- One reservation per reference: its rows (one per lot) are numbered 1..n, so two reservations written under
-- one reference both need line 1 and the second waits for the first, then fails. The advisory lock still
-- serialises the use cases; this holds for any writer that skips it.
ALTER TABLE "stock_reservations" ADD COLUMN "line" smallint;--> statement-breakpoint
UPDATE "stock_reservations" r SET "line" = n."line"
FROM (SELECT "id", row_number() OVER (PARTITION BY "ref" ORDER BY "id") AS "line" FROM "stock_reservations") n
WHERE n."id" = r."id";--> statement-breakpoint
ALTER TABLE "stock_reservations" ALTER COLUMN "line" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_line_pos" CHECK ("line" >= 1);--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_ref_line_key" UNIQUE ("ref", "line");--> statement-breakpoint
-- The unique index leads with ref, so it serves every lookup by reference.
DROP INDEX "stock_reservations_ref_idx";
