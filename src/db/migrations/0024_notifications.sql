-- Notifications (module notifications): one record per (event, recipient), its channel deliveries, the
-- person's preferences and quiet hours, and their push devices. FKs to users are SQL only (modules do not
-- import each other's tables).
CREATE TABLE "notifications" (
  "id" uuid PRIMARY KEY NOT NULL,
  "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
  "event_id" uuid NOT NULL,
  "topic" text NOT NULL,
  "kind" text NOT NULL,
  "category" text NOT NULL,
  "urgent" boolean NOT NULL DEFAULT false,
  "locale" text NOT NULL,
  "title" text NOT NULL,
  "body" text NOT NULL,
  "data" jsonb NOT NULL DEFAULT '{}'::jsonb,
  "read_at" timestamp with time zone,
  -- Set when its realtime event went out (after commit, by the deliver job or the sweep): once per record.
  "announced_at" timestamp with time zone,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  -- The relay delivers at least once: a second delivery of one event finds the row and makes nothing.
  CONSTRAINT "notifications_event_recipient_key" UNIQUE ("event_id", "user_id"),
  CONSTRAINT "notifications_category" CHECK ("category" IN ('orders', 'appointments', 'prescriptions', 'payments', 'account', 'support'))
);--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" ("user_id", "id");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" ("user_id") WHERE "read_at" IS NULL;--> statement-breakpoint
CREATE INDEX "notifications_unannounced_idx" ON "notifications" ("created_at") WHERE "announced_at" IS NULL;--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
  "id" uuid PRIMARY KEY NOT NULL,
  "notification_id" uuid NOT NULL REFERENCES "notifications"("id") ON DELETE CASCADE,
  "channel" text NOT NULL,
  "status" text NOT NULL DEFAULT 'pending',
  "due_at" timestamp with time zone NOT NULL,
  "attempts" integer NOT NULL DEFAULT 0,
  "last_error" text,
  "claimed_at" timestamp with time zone,
  "sent_at" timestamp with time zone,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT "notification_deliveries_once" UNIQUE ("notification_id", "channel"),
  CONSTRAINT "notification_deliveries_channel" CHECK ("channel" IN ('push', 'email', 'sms')),
  CONSTRAINT "notification_deliveries_status" CHECK ("status" IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
  CONSTRAINT "notification_deliveries_sent_at" CHECK (("status" = 'sent') = ("sent_at" IS NOT NULL)),
  CONSTRAINT "notification_deliveries_attempts" CHECK ("attempts" >= 0)
);--> statement-breakpoint
CREATE INDEX "notification_deliveries_due_idx" ON "notification_deliveries" ("due_at") WHERE "status" IN ('pending', 'sending');--> statement-breakpoint
CREATE TABLE "notification_preferences" (
  "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
  "category" text NOT NULL,
  "channel" text NOT NULL,
  "enabled" boolean NOT NULL,
  "updated_at" timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY ("user_id", "category", "channel"),
  CONSTRAINT "notification_preferences_channel" CHECK ("channel" IN ('push', 'email', 'sms'))
);--> statement-breakpoint
CREATE TABLE "notification_settings" (
  "user_id" uuid PRIMARY KEY NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
  -- Minutes after local midnight in time_zone; start = end would be a window of nothing, refused.
  "quiet_start_minute" smallint,
  "quiet_end_minute" smallint,
  "time_zone" text NOT NULL DEFAULT 'UTC',
  "updated_at" timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT "notification_settings_quiet_pair" CHECK (("quiet_start_minute" IS NULL) = ("quiet_end_minute" IS NULL)),
  CONSTRAINT "notification_settings_quiet_range" CHECK (
    "quiet_start_minute" IS NULL OR ("quiet_start_minute" BETWEEN 0 AND 1439 AND "quiet_end_minute" BETWEEN 0 AND 1439
      AND "quiet_start_minute" <> "quiet_end_minute"))
);--> statement-breakpoint
CREATE TABLE "devices" (
  "id" uuid PRIMARY KEY NOT NULL,
  "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
  -- A push token names one app install: it belongs to whoever signed in there last.
  "token" text NOT NULL,
  "platform" text NOT NULL,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  "last_seen_at" timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT "devices_token_key" UNIQUE ("token"),
  CONSTRAINT "devices_platform" CHECK ("platform" IN ('ios', 'android', 'web'))
);--> statement-breakpoint
CREATE INDEX "devices_user_idx" ON "devices" ("user_id", "id");--> statement-breakpoint
CREATE TABLE "push_tickets" (
  "id" text PRIMARY KEY NOT NULL,
  "device_id" uuid NOT NULL REFERENCES "devices"("id") ON DELETE CASCADE,
  "notification_id" uuid NOT NULL REFERENCES "notifications"("id") ON DELETE CASCADE,
  "created_at" timestamp with time zone NOT NULL DEFAULT now()
);--> statement-breakpoint
CREATE INDEX "push_tickets_created_idx" ON "push_tickets" ("created_at");
