-- Issue 16, the card gateway (module payments). A payment intent is one amount a customer is asked to pay on a
-- hosted-checkout page, for an order or a wallet top-up; the gateway's webhook moves it to paid once (a
-- conditional update) and the same transaction posts intent:<id>:paid (debit gateway clearing, credit the
-- customer's wallet) and records the event. gateway_events is keyed by the gateway's event id, so a webhook
-- delivered twice (or ten times at once) is recorded and acted on once. card_refunds holds money given back to
-- the card (the ledger entry is posted with the row; the gateway call is made after commit, retried while
-- `requested`).
CREATE TABLE "payment_intents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"ref_id" uuid,
	"customer_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"gateway" text NOT NULL,
	"gateway_ref" text,
	"redirect_url" text,
	"paid_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_intents_gateway_ref_key" UNIQUE("gateway","gateway_ref"),
	CONSTRAINT "payment_intents_purpose" CHECK ("payment_intents"."purpose" IN ('order', 'wallet_top_up')),
	CONSTRAINT "payment_intents_ref" CHECK (("payment_intents"."purpose" = 'order') = ("payment_intents"."ref_id" IS NOT NULL)),
	CONSTRAINT "payment_intents_amount" CHECK ("payment_intents"."amount_minor" > 0),
	CONSTRAINT "payment_intents_currency" CHECK ("payment_intents"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "payment_intents_status" CHECK ("payment_intents"."status" IN ('created', 'pending', 'paid', 'failed', 'expired')),
	CONSTRAINT "payment_intents_gateway" CHECK ("payment_intents"."gateway" ~ '^[a-z][a-z0-9_]*$'),
	CONSTRAINT "payment_intents_session" CHECK ("payment_intents"."status" = 'created' OR "payment_intents"."gateway_ref" IS NOT NULL),
	CONSTRAINT "payment_intents_paid_at" CHECK (("payment_intents"."status" = 'paid') = ("payment_intents"."paid_at" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "gateway_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"gateway" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"kind" text NOT NULL,
	"intent_id" uuid,
	"payload" jsonb NOT NULL,
	"outcome" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gateway_events_event_key" UNIQUE("gateway","event_id"),
	CONSTRAINT "gateway_events_kind" CHECK ("gateway_events"."kind" IN ('paid', 'failed', 'expired', 'ignored'))
);
--> statement-breakpoint
CREATE TABLE "card_refunds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"intent_id" uuid NOT NULL,
	"key" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"status" text NOT NULL,
	"gateway_refund_ref" text,
	"last_error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "card_refunds_key_key" UNIQUE("key"),
	CONSTRAINT "card_refunds_amount" CHECK ("card_refunds"."amount_minor" > 0),
	CONSTRAINT "card_refunds_status" CHECK ("card_refunds"."status" IN ('requested', 'succeeded', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "gateway_events" ADD CONSTRAINT "gateway_events_intent_id_payment_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."payment_intents"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_refunds" ADD CONSTRAINT "card_refunds_intent_id_payment_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."payment_intents"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_intents_customer_idx" ON "payment_intents" USING btree ("customer_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_intents_open_order_key" ON "payment_intents" USING btree ("ref_id") WHERE "payment_intents"."purpose" = 'order' AND "payment_intents"."status" IN ('created', 'pending');--> statement-breakpoint
CREATE INDEX "gateway_events_intent_idx" ON "gateway_events" USING btree ("intent_id");--> statement-breakpoint
CREATE INDEX "card_refunds_intent_idx" ON "card_refunds" USING btree ("intent_id");--> statement-breakpoint
-- Links to other modules (declared here, not in drizzle tables: see 0004 and 0009). Money records are kept:
-- an intent blocks removing its customer or its order.
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "card_refunds" ADD CONSTRAINT "card_refunds_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL;--> statement-breakpoint
-- An order intent names an order (no FK on ref_id: a top-up has none, and the CHECK keeps them apart).
CREATE FUNCTION "payment_intents_order_exists"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW."purpose" = 'order' AND NOT EXISTS (SELECT 1 FROM "orders" WHERE "id" = NEW."ref_id") THEN
		RAISE EXCEPTION 'payment intent % names no order %', NEW."id", NEW."ref_id" USING ERRCODE = 'foreign_key_violation';
	END IF;
	RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "payment_intents_order_exists" BEFORE INSERT ON "payment_intents" FOR EACH ROW EXECUTE FUNCTION "payment_intents_order_exists"();
