-- Issue 16, part 3: orders (module orders). An order is the cart turned into a purchase at one branch: its
-- lines keep the price, discount and names of the moment it was placed (snapshots, never re-read from the
-- catalog), its money columns obey the total formula by CHECK, and each status change is appended to
-- order_transitions (never changed or removed). The stock it holds is inventory's reservation named by
-- reservation_ref; what it was paid and refunded lives in the ledger (keys order:<id>:capture / :refund).
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"status" text NOT NULL,
	"fulfilment" text NOT NULL,
	"payment_method" text NOT NULL,
	"address" jsonb,
	"subtotal_minor" bigint NOT NULL,
	"discount_minor" bigint DEFAULT 0 NOT NULL,
	"delivery_fee_minor" bigint DEFAULT 0 NOT NULL,
	"points_redeemed" integer DEFAULT 0 NOT NULL,
	"total_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"reservation_ref" text NOT NULL,
	"placed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "orders_reservation_ref_key" UNIQUE("reservation_ref"),
	CONSTRAINT "orders_status" CHECK ("orders"."status" IN ('pending_verification', 'pending_payment', 'confirmed', 'preparing', 'ready', 'out_for_delivery', 'completed', 'cancelled', 'expired')),
	CONSTRAINT "orders_fulfilment" CHECK ("orders"."fulfilment" IN ('delivery', 'pickup')),
	CONSTRAINT "orders_payment_method" CHECK ("orders"."payment_method" IN ('cod', 'wallet', 'card')),
	CONSTRAINT "orders_address" CHECK (("orders"."fulfilment" = 'delivery') = ("orders"."address" IS NOT NULL)),
	CONSTRAINT "orders_amounts" CHECK ("orders"."subtotal_minor" >= 0 AND "orders"."discount_minor" >= 0 AND "orders"."delivery_fee_minor" >= 0 AND "orders"."points_redeemed" >= 0 AND "orders"."total_minor" >= 0),
	CONSTRAINT "orders_total" CHECK ("orders"."total_minor" = "orders"."subtotal_minor" - "orders"."discount_minor" + "orders"."delivery_fee_minor" - "orders"."points_redeemed"),
	CONSTRAINT "orders_currency" CHECK ("orders"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "orders_version" CHECK ("orders"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	"discount_minor" bigint DEFAULT 0 NOT NULL,
	"name_en" text NOT NULL,
	"name_ar" text NOT NULL,
	"rx_required" boolean DEFAULT false NOT NULL,
	CONSTRAINT "order_lines_pkey" PRIMARY KEY("order_id","line_no"),
	CONSTRAINT "order_lines_line_no" CHECK ("order_lines"."line_no" >= 1),
	CONSTRAINT "order_lines_quantity" CHECK ("order_lines"."quantity" > 0),
	CONSTRAINT "order_lines_amounts" CHECK ("order_lines"."unit_price_minor" >= 0 AND "order_lines"."discount_minor" >= 0 AND "order_lines"."discount_minor" <= "order_lines"."unit_price_minor" * "order_lines"."quantity")
);
--> statement-breakpoint
CREATE TABLE "order_transitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor_id" uuid,
	"reason" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_transitions_reason_length" CHECK ("order_transitions"."reason" IS NULL OR length("order_transitions"."reason") <= 500)
);
--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_transitions" ADD CONSTRAINT "order_transitions_order_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_customer_idx" ON "orders" USING btree ("customer_id","created_at","id");--> statement-breakpoint
CREATE INDEX "orders_branch_status_idx" ON "orders" USING btree ("branch_id","status","created_at");--> statement-breakpoint
CREATE INDEX "order_lines_product_idx" ON "order_lines" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "order_transitions_order_idx" ON "order_transitions" USING btree ("order_id","at");--> statement-breakpoint
-- Links to other modules (declared here, not in drizzle tables: modules do not import each other's tables, see
-- 0004 and 0009). An order is a record to keep: it blocks removing the account, branch or product it names.
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_branch_fk" FOREIGN KEY ("branch_id") REFERENCES "branches"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_product_fk" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "order_transitions" ADD CONSTRAINT "order_transitions_actor_fk" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL;--> statement-breakpoint
-- The history of an order is append-only, like the audit log (0002) and the ledger (0010).
CREATE FUNCTION "order_transitions_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only: a status change is a new row', TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege';
END
$$;--> statement-breakpoint
CREATE TRIGGER "order_transitions_no_change" BEFORE UPDATE OR DELETE ON "order_transitions"
	FOR EACH ROW EXECUTE FUNCTION "order_transitions_refuse_change"();--> statement-breakpoint
CREATE TRIGGER "order_transitions_no_truncate" BEFORE TRUNCATE ON "order_transitions"
	FOR EACH STATEMENT EXECUTE FUNCTION "order_transitions_refuse_change"();
