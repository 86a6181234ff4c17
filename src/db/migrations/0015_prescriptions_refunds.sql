-- Issue 16, part 4: prescription photos, pharmacist verification, payment holds, refunds and quarantined
-- returns.
-- A customer uploads a photo of a paper prescription (module prescriptions; the bytes live in the files module)
-- and names it at checkout; the order links it (order_prescriptions) and each Rx line records the pharmacist's
-- decision and who took it. A wallet order waiting for verification has its money held (house account
-- payment_holds), captured when the pharmacist approves and given back when the order is rejected, cancelled
-- or expires. A refund (order_refunds) gives money back, never more than was captured minus earlier refunds;
-- goods handed back go to quarantine (stock_quarantine), never to sellable stock: dispensed medicine is not resold.
CREATE TABLE "prescription_uploads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"file_id" uuid NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prescription_uploads_file_key" UNIQUE("file_id"),
	CONSTRAINT "prescription_uploads_note_length" CHECK ("prescription_uploads"."note" IS NULL OR length("prescription_uploads"."note") <= 500)
);
--> statement-breakpoint
CREATE INDEX "prescription_uploads_customer_idx" ON "prescription_uploads" USING btree ("customer_id","id");--> statement-breakpoint
ALTER TABLE "prescription_uploads" ADD CONSTRAINT "prescription_uploads_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescription_uploads" ADD CONSTRAINT "prescription_uploads_file_fk" FOREIGN KEY ("file_id") REFERENCES "files"("id") ON DELETE RESTRICT;--> statement-breakpoint
CREATE INDEX "orders_waiting_idx" ON "orders" USING btree ("status","updated_at") WHERE "orders"."status" IN ('pending_verification', 'pending_payment');--> statement-breakpoint
CREATE TABLE "order_prescriptions" (
	"order_id" uuid NOT NULL,
	"upload_id" uuid NOT NULL,
	CONSTRAINT "order_prescriptions_pkey" PRIMARY KEY("order_id","upload_id")
);
--> statement-breakpoint
ALTER TABLE "order_prescriptions" ADD CONSTRAINT "order_prescriptions_order_fk" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "order_prescriptions" ADD CONSTRAINT "order_prescriptions_upload_fk" FOREIGN KEY ("upload_id") REFERENCES "prescription_uploads"("id") ON DELETE RESTRICT;--> statement-breakpoint
CREATE INDEX "order_prescriptions_upload_idx" ON "order_prescriptions" USING btree ("upload_id");--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "prescription_id" uuid;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "verification" text;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "verified_by" uuid;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "verification_note" text;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_verification" CHECK ("verification" IS NULL OR ("verification" IN ('approved', 'rejected') AND "rx_required" AND "verified_by" IS NOT NULL AND "verified_at" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_verification_note_length" CHECK ("verification_note" IS NULL OR length("verification_note") <= 500);--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_verified_by_fk" FOREIGN KEY ("verified_by") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
-- The prescription a line was filled against: an upload of the order's own (an e-prescription later).
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_prescription_fk" FOREIGN KEY ("order_id","prescription_id") REFERENCES "order_prescriptions"("order_id","upload_id") ON DELETE RESTRICT;--> statement-breakpoint
-- Money a customer paid for an order still waiting for its pharmacist: not revenue yet, not the wallet's.
ALTER TABLE "ledger_accounts" DROP CONSTRAINT "ledger_accounts_kind";--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_kind" CHECK ("ledger_accounts"."kind" IN ('wallet', 'points_wallet', 'gateway_clearing', 'cash_clearing', 'revenue', 'discounts', 'refunds', 'adjustments', 'loyalty_liability', 'doctor_payable', 'payment_holds'));--> statement-breakpoint
-- A completed order may be refunded in part, then in full (the transitions table of orders.machine.ts).
ALTER TABLE "orders" DROP CONSTRAINT "orders_status";--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_status" CHECK ("orders"."status" IN ('pending_verification', 'pending_payment', 'confirmed', 'preparing', 'ready', 'out_for_delivery', 'completed', 'partially_refunded', 'refunded', 'cancelled', 'expired'));--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "refunded_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_refunded" CHECK ("orders"."refunded_minor" >= 0 AND "orders"."refunded_minor" <= "orders"."total_minor");--> statement-breakpoint
CREATE TABLE "order_refunds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"destination" text NOT NULL,
	"reason" text NOT NULL,
	"actor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_refunds_amount" CHECK ("order_refunds"."amount_minor" > 0),
	CONSTRAINT "order_refunds_destination" CHECK ("order_refunds"."destination" IN ('wallet', 'original')),
	CONSTRAINT "order_refunds_reason_length" CHECK (length("order_refunds"."reason") BETWEEN 1 AND 500)
);
--> statement-breakpoint
CREATE INDEX "order_refunds_order_idx" ON "order_refunds" USING btree ("order_id","id");--> statement-breakpoint
ALTER TABLE "order_refunds" ADD CONSTRAINT "order_refunds_order_fk" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "order_refunds" ADD CONSTRAINT "order_refunds_actor_fk" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
CREATE TABLE "order_refund_lines" (
	"refund_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"quantity" integer NOT NULL,
	"amount_minor" bigint NOT NULL,
	CONSTRAINT "order_refund_lines_pkey" PRIMARY KEY("refund_id","line_no"),
	CONSTRAINT "order_refund_lines_quantity" CHECK ("order_refund_lines"."quantity" > 0),
	CONSTRAINT "order_refund_lines_amount" CHECK ("order_refund_lines"."amount_minor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "order_refund_lines" ADD CONSTRAINT "order_refund_lines_refund_fk" FOREIGN KEY ("refund_id") REFERENCES "order_refunds"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "order_refund_lines" ADD CONSTRAINT "order_refund_lines_line_fk" FOREIGN KEY ("order_id","line_no") REFERENCES "order_lines"("order_id","line_no") ON DELETE RESTRICT;--> statement-breakpoint
CREATE INDEX "order_refund_lines_line_idx" ON "order_refund_lines" USING btree ("order_id","line_no");--> statement-breakpoint
-- Goods a customer handed back: counted per lot they were sold from, never on hand again.
CREATE TABLE "stock_quarantine" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lot_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"reference" text NOT NULL,
	"reason" text,
	"actor_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_quarantine_quantity" CHECK ("stock_quarantine"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX "stock_quarantine_reference_idx" ON "stock_quarantine" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "stock_quarantine_branch_idx" ON "stock_quarantine" USING btree ("branch_id","created_at");--> statement-breakpoint
ALTER TABLE "stock_quarantine" ADD CONSTRAINT "stock_quarantine_lot_fk" FOREIGN KEY ("lot_id") REFERENCES "stock_lots"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "stock_quarantine" ADD CONSTRAINT "stock_quarantine_actor_fk" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL;--> statement-breakpoint
-- Refunds, their lines and quarantined goods are records to keep, like the ledger they explain.
CREATE FUNCTION "refunds_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;--> statement-breakpoint
CREATE TRIGGER "order_refunds_append_only" BEFORE UPDATE OR DELETE ON "order_refunds" FOR EACH ROW EXECUTE FUNCTION "refunds_refuse_change"();--> statement-breakpoint
CREATE TRIGGER "order_refund_lines_append_only" BEFORE UPDATE OR DELETE ON "order_refund_lines" FOR EACH ROW EXECUTE FUNCTION "refunds_refuse_change"();--> statement-breakpoint
CREATE TRIGGER "stock_quarantine_append_only" BEFORE UPDATE OR DELETE ON "stock_quarantine" FOR EACH ROW EXECUTE FUNCTION "refunds_refuse_change"();
