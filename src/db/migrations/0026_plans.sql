-- Issue 18, plans and subscriptions. A plan is a price per period (monthly or yearly) and its benefits; a
-- subscription is one customer's plan with its current period. One live (active or past_due) subscription per
-- customer is a partial unique index, so two parallel subscribes cannot both win. Benefit uses are rows per
-- (subscription, period, benefit, ref): consuming locks the subscription row and counts, and the unique key
-- makes a retry with the same ref a replay, never a second use.
CREATE TABLE "plans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name_en" text NOT NULL,
	"name_ar" text NOT NULL,
	"interval" text NOT NULL,
	"price_minor" integer NOT NULL,
	"currency" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"free_video_consultations" integer DEFAULT 0 NOT NULL,
	"free_delivery" boolean DEFAULT false NOT NULL,
	"otc_percent_off" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_interval" CHECK ("plans"."interval" IN ('monthly', 'yearly')),
	CONSTRAINT "plans_price" CHECK ("plans"."price_minor" >= 0),
	CONSTRAINT "plans_free_video" CHECK ("plans"."free_video_consultations" >= 0),
	CONSTRAINT "plans_otc_percent" CHECK ("plans"."otc_percent_off" BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE INDEX "plans_active_idx" ON "plans" USING btree ("price_minor","id") WHERE "active";--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"status" text NOT NULL,
	"payment_method" text NOT NULL,
	"price_minor" integer NOT NULL,
	"currency" text NOT NULL,
	"interval" text NOT NULL,
	"period_no" integer DEFAULT 1 NOT NULL,
	"current_period_start" timestamp with time zone NOT NULL,
	"current_period_end" timestamp with time zone NOT NULL,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"grace_until" timestamp with time zone,
	"next_retry_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_status" CHECK ("subscriptions"."status" IN ('active', 'past_due', 'cancelled', 'expired')),
	CONSTRAINT "subscriptions_payment_method" CHECK ("subscriptions"."payment_method" IN ('wallet', 'card')),
	CONSTRAINT "subscriptions_interval" CHECK ("subscriptions"."interval" IN ('monthly', 'yearly')),
	CONSTRAINT "subscriptions_price" CHECK ("subscriptions"."price_minor" >= 0),
	CONSTRAINT "subscriptions_period_no" CHECK ("subscriptions"."period_no" >= 1),
	CONSTRAINT "subscriptions_period" CHECK ("subscriptions"."current_period_end" > "subscriptions"."current_period_start"),
	CONSTRAINT "subscriptions_past_due_grace" CHECK ("subscriptions"."status" <> 'past_due' OR ("subscriptions"."grace_until" IS NOT NULL AND "subscriptions"."next_retry_at" IS NOT NULL)),
	CONSTRAINT "subscriptions_ended" CHECK (("subscriptions"."status" IN ('cancelled', 'expired')) = ("subscriptions"."ended_at" IS NOT NULL))
);
--> statement-breakpoint
-- One live subscription per customer: the database settles two parallel subscribes.
CREATE UNIQUE INDEX "subscriptions_one_live_key" ON "subscriptions" USING btree ("customer_id") WHERE "status" IN ('active', 'past_due');--> statement-breakpoint
CREATE INDEX "subscriptions_customer_idx" ON "subscriptions" USING btree ("customer_id","created_at","id");--> statement-breakpoint
-- The renewal job's scans: active ones at period end, past_due ones at their next retry.
CREATE INDEX "subscriptions_due_idx" ON "subscriptions" USING btree ("current_period_end","id") WHERE "status" = 'active';--> statement-breakpoint
CREATE INDEX "subscriptions_retry_idx" ON "subscriptions" USING btree ("next_retry_at","id") WHERE "status" = 'past_due';--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_fk" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT;--> statement-breakpoint
CREATE TABLE "subscription_benefit_uses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"subscription_id" uuid NOT NULL,
	"period_no" integer NOT NULL,
	"benefit" text NOT NULL,
	"ref" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscription_benefit_uses_benefit" CHECK ("subscription_benefit_uses"."benefit" IN ('video_consultation')),
	CONSTRAINT "subscription_benefit_uses_ref" CHECK (length("subscription_benefit_uses"."ref") BETWEEN 1 AND 200),
	CONSTRAINT "subscription_benefit_uses_key" UNIQUE("subscription_id","period_no","benefit","ref")
);
--> statement-breakpoint
ALTER TABLE "subscription_benefit_uses" ADD CONSTRAINT "subscription_benefit_uses_subscription_fk" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE RESTRICT;
