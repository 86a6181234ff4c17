-- Issue 16, loyalty: the points a customer holds, as lots, beside the PTS ledger that moves them.
-- The ledger (0010) is the truth of every movement and balance (points_wallet:<customer>, loyalty_liability);
-- the lots say which points are whose and when they expire, so redemption spends the oldest first (FIFO by
-- expiry) and the expiry job takes exactly what is left of each lot once. Every point movement is one ledger
-- entry and, in the same transaction, the lots it touched: a lot per earning (or per points given back), a use
-- row per lot a redemption, reversal or expiry drew on. test/invariants.sql checks the lots' remaining points
-- add up to each points wallet's balance.
CREATE TABLE "loyalty_lots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"source" text NOT NULL,
	"order_id" uuid,
	"entry_id" uuid NOT NULL,
	"points" integer NOT NULL,
	"remaining" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_lots_source" CHECK ("loyalty_lots"."source" IN ('earn', 'return')),
	CONSTRAINT "loyalty_lots_points" CHECK ("loyalty_lots"."points" > 0),
	CONSTRAINT "loyalty_lots_remaining" CHECK ("loyalty_lots"."remaining" >= 0 AND "loyalty_lots"."remaining" <= "loyalty_lots"."points")
);
--> statement-breakpoint
-- A customer's spendable lots, soonest expiry first (redemption and the balance read); the expiry job's scan.
CREATE INDEX "loyalty_lots_customer_idx" ON "loyalty_lots" USING btree ("customer_id","expires_at","id") WHERE "remaining" > 0;--> statement-breakpoint
CREATE INDEX "loyalty_lots_expiry_idx" ON "loyalty_lots" USING btree ("expires_at","id") WHERE "remaining" > 0;--> statement-breakpoint
CREATE INDEX "loyalty_lots_order_idx" ON "loyalty_lots" USING btree ("order_id");--> statement-breakpoint
-- order_id names the order as the ledger's ref_id does, without a key: orders own their rows.
ALTER TABLE "loyalty_lots" ADD CONSTRAINT "loyalty_lots_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "loyalty_lots" ADD CONSTRAINT "loyalty_lots_entry_fk" FOREIGN KEY ("entry_id") REFERENCES "journal_entries"("id") ON DELETE RESTRICT;--> statement-breakpoint
CREATE TABLE "loyalty_lot_uses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lot_id" uuid NOT NULL,
	"entry_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"order_id" uuid,
	"points" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_lot_uses_kind" CHECK ("loyalty_lot_uses"."kind" IN ('redeem', 'reverse', 'expire')),
	CONSTRAINT "loyalty_lot_uses_points" CHECK ("loyalty_lot_uses"."points" > 0),
	CONSTRAINT "loyalty_lot_uses_entry_lot_key" UNIQUE("entry_id","lot_id")
);
--> statement-breakpoint
CREATE INDEX "loyalty_lot_uses_lot_idx" ON "loyalty_lot_uses" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "loyalty_lot_uses_order_idx" ON "loyalty_lot_uses" USING btree ("order_id","kind");--> statement-breakpoint
ALTER TABLE "loyalty_lot_uses" ADD CONSTRAINT "loyalty_lot_uses_lot_fk" FOREIGN KEY ("lot_id") REFERENCES "loyalty_lots"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "loyalty_lot_uses" ADD CONSTRAINT "loyalty_lot_uses_entry_fk" FOREIGN KEY ("entry_id") REFERENCES "journal_entries"("id") ON DELETE RESTRICT;--> statement-breakpoint
-- What a lot gave is a record, like the ledger entry it belongs to.
CREATE FUNCTION "loyalty_lot_uses_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only: points move by a new ledger entry', TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege';
END
$$;--> statement-breakpoint
CREATE TRIGGER "loyalty_lot_uses_no_change" BEFORE UPDATE OR DELETE ON "loyalty_lot_uses"
	FOR EACH ROW EXECUTE FUNCTION "loyalty_lot_uses_refuse_change"();--> statement-breakpoint
-- A point is worth LOYALTY_POINT_VALUE_MINOR, not always 1 minor unit: the order keeps the points spent
-- (points_redeemed, a count) and the money they took off (points_value_minor), and the total formula uses the money.
ALTER TABLE "orders" ADD COLUMN "points_value_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_total";--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_total" CHECK ("orders"."total_minor" = "orders"."subtotal_minor" - "orders"."discount_minor" + "orders"."delivery_fee_minor" - "orders"."points_value_minor");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_points_value" CHECK ("orders"."points_value_minor" >= 0 AND ("orders"."points_redeemed" = 0) = ("orders"."points_value_minor" = 0));
