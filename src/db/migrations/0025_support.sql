-- Issue 18, support: a customer's tickets, their thread (replies both ways and staff-only internal notes) and
-- every lifecycle step. Priority and the SLA due time are set from the category at creation (support.rules.ts).
CREATE TABLE "support_tickets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"category" text NOT NULL,
	"priority" text NOT NULL,
	"status" text NOT NULL,
	"order_id" uuid,
	"appointment_id" uuid,
	"prescription_id" uuid,
	"assignee_id" uuid,
	"sla_due_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_tickets_status" CHECK ("support_tickets"."status" IN ('open', 'in_progress', 'waiting_customer', 'resolved', 'closed')),
	CONSTRAINT "support_tickets_priority" CHECK ("support_tickets"."priority" IN ('low', 'normal', 'high', 'urgent')),
	CONSTRAINT "support_tickets_subject" CHECK (char_length("support_tickets"."subject") BETWEEN 1 AND 200),
	-- The reopen window and the auto-close count from resolved_at: a resolved ticket always has one.
	CONSTRAINT "support_tickets_resolved" CHECK ("support_tickets"."status" <> 'resolved' OR "support_tickets"."resolved_at" IS NOT NULL),
	CONSTRAINT "support_tickets_closed" CHECK ("support_tickets"."status" <> 'closed' OR "support_tickets"."closed_at" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "users"("id");--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_assignee_fk" FOREIGN KEY ("assignee_id") REFERENCES "users"("id");--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_order_fk" FOREIGN KEY ("order_id") REFERENCES "orders"("id");--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_appointment_fk" FOREIGN KEY ("appointment_id") REFERENCES "appointments"("id");--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_prescription_fk" FOREIGN KEY ("prescription_id") REFERENCES "prescriptions"("id");--> statement-breakpoint
CREATE INDEX "support_tickets_customer_idx" ON "support_tickets" USING btree ("customer_id", "id" DESC);--> statement-breakpoint
CREATE INDEX "support_tickets_queue_idx" ON "support_tickets" USING btree ("status", "id" DESC);--> statement-breakpoint
CREATE INDEX "support_tickets_assignee_idx" ON "support_tickets" USING btree ("assignee_id", "id" DESC) WHERE "assignee_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "support_tickets_due_idx" ON "support_tickets" USING btree ("sla_due_at") WHERE "status" IN ('open', 'in_progress');--> statement-breakpoint
CREATE INDEX "support_tickets_resolved_idx" ON "support_tickets" USING btree ("resolved_at") WHERE "status" = 'resolved';--> statement-breakpoint
-- The thread: a customer's or a staff member's reply, or an internal note (staff only, never shown to the customer).
CREATE TABLE "support_ticket_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"from_staff" boolean NOT NULL,
	"internal" boolean DEFAULT false NOT NULL,
	"body" text NOT NULL,
	"file_ids" uuid[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_ticket_messages_body" CHECK (char_length("support_ticket_messages"."body") BETWEEN 1 AND 5000),
	CONSTRAINT "support_ticket_messages_files" CHECK (cardinality("support_ticket_messages"."file_ids") <= 5),
	-- Only staff write internal notes.
	CONSTRAINT "support_ticket_messages_internal" CHECK (NOT "support_ticket_messages"."internal" OR "support_ticket_messages"."from_staff")
);
--> statement-breakpoint
ALTER TABLE "support_ticket_messages" ADD CONSTRAINT "support_ticket_messages_ticket_fk" FOREIGN KEY ("ticket_id") REFERENCES "support_tickets"("id");--> statement-breakpoint
ALTER TABLE "support_ticket_messages" ADD CONSTRAINT "support_ticket_messages_author_fk" FOREIGN KEY ("author_id") REFERENCES "users"("id");--> statement-breakpoint
CREATE INDEX "support_ticket_messages_ticket_idx" ON "support_ticket_messages" USING btree ("ticket_id", "id");--> statement-breakpoint
-- Every lifecycle step of a ticket, the first (null -> open) included; assignments too (status unchanged).
CREATE TABLE "support_ticket_transitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor_id" uuid,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "support_ticket_transitions" ADD CONSTRAINT "support_ticket_transitions_ticket_fk" FOREIGN KEY ("ticket_id") REFERENCES "support_tickets"("id");--> statement-breakpoint
CREATE INDEX "support_ticket_transitions_ticket_idx" ON "support_ticket_transitions" USING btree ("ticket_id", "created_at");
