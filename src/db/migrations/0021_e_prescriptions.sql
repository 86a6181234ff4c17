-- Issue 17, prescriptions: e-prescriptions a doctor issues from a consultation (its id is its appointment's),
-- signed by the server (Ed25519; the signed canonical body is kept verbatim with its key id and signature),
-- verified by anyone holding the short code, filled through the cart and dispensed when the order completes.
-- The database keeps the rules that must hold whatever the code does:
--   * an issued prescription is immutable: the only change is issued -> revoked (trigger); none is deleted;
--   * a line's dispensed units never exceed quantity x (1 + refills) (CHECK; the dispense is a conditional update);
--   * a line's prescribed content never changes, its dispensed count only grows (trigger);
--   * dispensings and fills are records to keep (append-only; one dispense per order line).
-- Public keys a prescription was signed with, by key id (written when a key first signs): the invariant
-- check verifies every body against them without the application's configuration.
CREATE TABLE "prescription_signing_keys" (
	"key_id" text PRIMARY KEY NOT NULL,
	"public_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prescription_signing_keys_key_id" CHECK ("key_id" ~ '^[A-Za-z0-9._-]{1,64}$')
);
--> statement-breakpoint
CREATE TABLE "prescriptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"appointment_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"status" text DEFAULT 'issued' NOT NULL,
	"code" text NOT NULL,
	"controlled" boolean NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL,
	"signed_body" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"revoke_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prescriptions_code_key" UNIQUE("code"),
	CONSTRAINT "prescriptions_status" CHECK ("status" IN ('issued', 'revoked')),
	-- Crockford base32 without I, L, O, U: 10 characters, 50 random bits.
	CONSTRAINT "prescriptions_code" CHECK ("code" ~ '^[0-9A-HJKMNP-TV-Z]{10}$'),
	CONSTRAINT "prescriptions_validity" CHECK ("valid_until" > "issued_at"),
	CONSTRAINT "prescriptions_revoked" CHECK (("status" = 'revoked') = ("revoked_at" IS NOT NULL AND "revoked_by" IS NOT NULL AND "revoke_reason" IS NOT NULL)),
	CONSTRAINT "prescriptions_revoke_reason_length" CHECK ("revoke_reason" IS NULL OR length("revoke_reason") BETWEEN 1 AND 500)
);
--> statement-breakpoint
CREATE INDEX "prescriptions_patient_idx" ON "prescriptions" USING btree ("patient_id","id");--> statement-breakpoint
CREATE INDEX "prescriptions_doctor_idx" ON "prescriptions" USING btree ("doctor_id","id");--> statement-breakpoint
CREATE INDEX "prescriptions_appointment_idx" ON "prescriptions" USING btree ("appointment_id");--> statement-breakpoint
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_appointment_fk" FOREIGN KEY ("appointment_id") REFERENCES "appointments"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_doctor_fk" FOREIGN KEY ("doctor_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_patient_fk" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_revoked_by_fk" FOREIGN KEY ("revoked_by") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_key_fk" FOREIGN KEY ("key_id") REFERENCES "prescription_signing_keys"("key_id") ON DELETE RESTRICT;--> statement-breakpoint
CREATE TABLE "prescription_transitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"prescription_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor_id" uuid,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prescription_transitions_reason_length" CHECK ("reason" IS NULL OR length("reason") <= 500)
);
--> statement-breakpoint
CREATE INDEX "prescription_transitions_prescription_idx" ON "prescription_transitions" USING btree ("prescription_id","created_at");--> statement-breakpoint
ALTER TABLE "prescription_transitions" ADD CONSTRAINT "prescription_transitions_prescription_fk" FOREIGN KEY ("prescription_id") REFERENCES "prescriptions"("id") ON DELETE RESTRICT;--> statement-breakpoint
CREATE TABLE "prescription_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"prescription_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"product_id" uuid,
	"ingredient" text,
	"strength" text,
	"form" text NOT NULL,
	"ingredients_key" text NOT NULL,
	"name" text NOT NULL,
	"controlled" boolean NOT NULL,
	"dose" text NOT NULL,
	"frequency" text NOT NULL,
	"duration_days" integer NOT NULL,
	"quantity" integer NOT NULL,
	"refills" integer NOT NULL,
	"substitution_allowed" boolean NOT NULL,
	"dispensed" integer DEFAULT 0 NOT NULL,
	"last_filled_at" timestamp with time zone,
	CONSTRAINT "prescription_lines_no_key" UNIQUE("prescription_id","line_no"),
	CONSTRAINT "prescription_lines_line_no" CHECK ("line_no" >= 1),
	CONSTRAINT "prescription_lines_names" CHECK ("product_id" IS NOT NULL OR ("ingredient" IS NOT NULL AND "strength" IS NOT NULL)),
	CONSTRAINT "prescription_lines_duration" CHECK ("duration_days" BETWEEN 1 AND 365),
	CONSTRAINT "prescription_lines_quantity" CHECK ("quantity" BETWEEN 1 AND 1000),
	CONSTRAINT "prescription_lines_refills" CHECK ("refills" BETWEEN 0 AND 12),
	-- DOMAIN: dispensed quantity never exceeds quantity x (1 + refills).
	CONSTRAINT "prescription_lines_dispensed" CHECK ("dispensed" >= 0 AND "dispensed" <= "quantity" * (1 + "refills")),
	CONSTRAINT "prescription_lines_filled" CHECK (("dispensed" = 0) = ("last_filled_at" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "prescription_lines" ADD CONSTRAINT "prescription_lines_prescription_fk" FOREIGN KEY ("prescription_id") REFERENCES "prescriptions"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescription_lines" ADD CONSTRAINT "prescription_lines_product_fk" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT;--> statement-breakpoint
-- An order line filled against a prescription line (written at checkout): the branch it goes to (a pharmacist of
-- that branch may read the prescription), the product given (a substitute: why), the units. Dispensed when the
-- order completes.
CREATE TABLE "prescription_fills" (
	"order_id" uuid NOT NULL,
	"order_line_no" integer NOT NULL,
	"line_id" uuid NOT NULL,
	"prescription_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"substitution_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prescription_fills_pkey" PRIMARY KEY("order_id","order_line_no"),
	CONSTRAINT "prescription_fills_quantity" CHECK ("quantity" > 0),
	CONSTRAINT "prescription_fills_reason_length" CHECK ("substitution_reason" IS NULL OR length("substitution_reason") <= 500)
);
--> statement-breakpoint
CREATE INDEX "prescription_fills_prescription_idx" ON "prescription_fills" USING btree ("prescription_id","branch_id");--> statement-breakpoint
CREATE INDEX "prescription_fills_line_idx" ON "prescription_fills" USING btree ("line_id");--> statement-breakpoint
ALTER TABLE "prescription_fills" ADD CONSTRAINT "prescription_fills_order_line_fk" FOREIGN KEY ("order_id","order_line_no") REFERENCES "order_lines"("order_id","line_no") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescription_fills" ADD CONSTRAINT "prescription_fills_line_fk" FOREIGN KEY ("line_id") REFERENCES "prescription_lines"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescription_fills" ADD CONSTRAINT "prescription_fills_prescription_fk" FOREIGN KEY ("prescription_id") REFERENCES "prescriptions"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescription_fills" ADD CONSTRAINT "prescription_fills_branch_fk" FOREIGN KEY ("branch_id") REFERENCES "branches"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescription_fills" ADD CONSTRAINT "prescription_fills_product_fk" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT;--> statement-breakpoint
CREATE TABLE "prescription_dispensings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"line_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"order_line_no" integer NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"actor_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prescription_dispensings_order_line_key" UNIQUE("order_id","order_line_no"),
	CONSTRAINT "prescription_dispensings_quantity" CHECK ("quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX "prescription_dispensings_line_idx" ON "prescription_dispensings" USING btree ("line_id","at");--> statement-breakpoint
ALTER TABLE "prescription_dispensings" ADD CONSTRAINT "prescription_dispensings_line_fk" FOREIGN KEY ("line_id") REFERENCES "prescription_lines"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescription_dispensings" ADD CONSTRAINT "prescription_dispensings_fill_fk" FOREIGN KEY ("order_id","order_line_no") REFERENCES "prescription_fills"("order_id","order_line_no") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "prescription_dispensings" ADD CONSTRAINT "prescription_dispensings_actor_fk" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL;--> statement-breakpoint
-- The cart and order lines filled against a prescription line (Rx to cart): checkout needs no photo for them.
ALTER TABLE "cart_items" ADD COLUMN "rx_line_id" uuid;--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_rx_line_fk" FOREIGN KEY ("rx_line_id") REFERENCES "prescription_lines"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "rx_line_id" uuid;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_rx_line_fk" FOREIGN KEY ("rx_line_id") REFERENCES "prescription_lines"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_rx_line_rx" CHECK ("rx_line_id" IS NULL OR "prescription_id" IS NULL);--> statement-breakpoint
CREATE INDEX "order_lines_rx_line_idx" ON "order_lines" USING btree ("rx_line_id") WHERE "rx_line_id" IS NOT NULL;--> statement-breakpoint
-- Issued means immutable: the one change is issued -> revoked (with who, when, why); nothing is deleted.
CREATE FUNCTION "prescriptions_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		RAISE EXCEPTION 'prescriptions are kept' USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF OLD.status <> 'issued' OR NEW.status <> 'revoked'
		OR (NEW.id, NEW.appointment_id, NEW.doctor_id, NEW.patient_id, NEW.code, NEW.controlled, NEW.issued_at,
			NEW.valid_until, NEW.key_id, NEW.signature, NEW.signed_body, NEW.created_at)
		IS DISTINCT FROM (OLD.id, OLD.appointment_id, OLD.doctor_id, OLD.patient_id, OLD.code, OLD.controlled,
			OLD.issued_at, OLD.valid_until, OLD.key_id, OLD.signature, OLD.signed_body, OLD.created_at) THEN
		RAISE EXCEPTION 'an issued prescription is immutable (only issued -> revoked)' USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "prescriptions_immutable" BEFORE UPDATE OR DELETE ON "prescriptions" FOR EACH ROW EXECUTE FUNCTION "prescriptions_guard"();--> statement-breakpoint
-- What was prescribed never changes; only the dispensed count grows (with the last fill's time).
CREATE FUNCTION "prescription_lines_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		RAISE EXCEPTION 'prescription lines are kept' USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF NEW.dispensed < OLD.dispensed
		OR (NEW.id, NEW.prescription_id, NEW.line_no, NEW.product_id, NEW.ingredient, NEW.strength, NEW.form,
			NEW.ingredients_key, NEW.name, NEW.controlled, NEW.dose, NEW.frequency, NEW.duration_days, NEW.quantity,
			NEW.refills, NEW.substitution_allowed)
		IS DISTINCT FROM (OLD.id, OLD.prescription_id, OLD.line_no, OLD.product_id, OLD.ingredient, OLD.strength,
			OLD.form, OLD.ingredients_key, OLD.name, OLD.controlled, OLD.dose, OLD.frequency, OLD.duration_days,
			OLD.quantity, OLD.refills, OLD.substitution_allowed) THEN
		RAISE EXCEPTION 'a prescription line is immutable (only its dispensed count grows)' USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "prescription_lines_immutable" BEFORE UPDATE OR DELETE ON "prescription_lines" FOR EACH ROW EXECUTE FUNCTION "prescription_lines_guard"();--> statement-breakpoint
CREATE FUNCTION "prescription_records_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;--> statement-breakpoint
CREATE TRIGGER "prescription_transitions_append_only" BEFORE UPDATE OR DELETE ON "prescription_transitions" FOR EACH ROW EXECUTE FUNCTION "prescription_records_refuse_change"();--> statement-breakpoint
CREATE TRIGGER "prescription_fills_append_only" BEFORE UPDATE OR DELETE ON "prescription_fills" FOR EACH ROW EXECUTE FUNCTION "prescription_records_refuse_change"();--> statement-breakpoint
CREATE TRIGGER "prescription_dispensings_append_only" BEFORE UPDATE OR DELETE ON "prescription_dispensings" FOR EACH ROW EXECUTE FUNCTION "prescription_records_refuse_change"();--> statement-breakpoint
CREATE TRIGGER "prescription_signing_keys_append_only" BEFORE UPDATE OR DELETE ON "prescription_signing_keys" FOR EACH ROW EXECUTE FUNCTION "prescription_records_refuse_change"();
