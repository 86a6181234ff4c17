-- Issue 16, part 1: the double-entry ledger (module payments). Money moves only as journal entries whose
-- postings (debit +, credit −) sum to zero per currency; each account's balance_minor caches the sum of its
-- postings in the account's normal sense and is updated in the same transaction (LedgerService.post).
-- The database keeps the rules that protect money even from a writer that skips the service: what a person
-- holds (a wallet, points, a doctor's payable) never goes below zero (CHECK), a posting is in its account's
-- currency (composite foreign key), every entry balances and has two postings at least (deferred constraint
-- triggers, checked at commit), and entries and postings are never changed or removed (corrections are new
-- entries; money records are kept for the legal retention period, DOMAIN.md).
CREATE TABLE "journal_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"ref_type" text,
	"ref_id" uuid,
	"memo" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "journal_entries_key_key" UNIQUE("key"),
	CONSTRAINT "journal_entries_key_length" CHECK (length("journal_entries"."key") BETWEEN 1 AND 300),
	CONSTRAINT "journal_entries_kind" CHECK ("journal_entries"."kind" ~ '^[a-z][a-z_]*([.][a-z][a-z_]*)*$'),
	CONSTRAINT "journal_entries_ref" CHECK (("journal_entries"."ref_type" IS NULL) = ("journal_entries"."ref_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "ledger_accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"kind" text NOT NULL,
	"owner_id" uuid,
	"currency" text NOT NULL,
	"normal_side" text NOT NULL,
	"may_go_negative" boolean NOT NULL,
	"balance_minor" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_accounts_code_key" UNIQUE("code"),
	CONSTRAINT "ledger_accounts_id_currency_key" UNIQUE("id","currency"),
	CONSTRAINT "ledger_accounts_kind" CHECK ("ledger_accounts"."kind" IN ('wallet', 'points_wallet', 'gateway_clearing', 'cash_clearing', 'revenue', 'discounts', 'refunds', 'adjustments', 'loyalty_liability', 'doctor_payable')),
	CONSTRAINT "ledger_accounts_code" CHECK ("ledger_accounts"."code" = "ledger_accounts"."kind" || coalesce(':' || "ledger_accounts"."owner_id"::text, '')),
	CONSTRAINT "ledger_accounts_owner" CHECK (("ledger_accounts"."owner_id" IS NOT NULL) = ("ledger_accounts"."kind" IN ('wallet', 'points_wallet', 'doctor_payable'))),
	CONSTRAINT "ledger_accounts_currency" CHECK ("ledger_accounts"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "ledger_accounts_normal_side" CHECK ("ledger_accounts"."normal_side" IN ('debit', 'credit')),
	CONSTRAINT "ledger_accounts_held_not_negative" CHECK ("ledger_accounts"."kind" NOT IN ('wallet', 'points_wallet', 'doctor_payable') OR NOT "ledger_accounts"."may_go_negative"),
	CONSTRAINT "ledger_accounts_balance" CHECK ("ledger_accounts"."may_go_negative" OR "ledger_accounts"."balance_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "postings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"entry_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "postings_amount_nonzero" CHECK ("postings"."amount_minor" <> 0)
);
--> statement-breakpoint
ALTER TABLE "postings" ADD CONSTRAINT "postings_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postings" ADD CONSTRAINT "postings_account_fk" FOREIGN KEY ("account_id","currency") REFERENCES "public"."ledger_accounts"("id","currency") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "journal_entries_ref_idx" ON "journal_entries" USING btree ("ref_type","ref_id");--> statement-breakpoint
CREATE INDEX "postings_entry_idx" ON "postings" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "postings_account_idx" ON "postings" USING btree ("account_id","id");--> statement-breakpoint
-- Links to accounts (declared here, not in drizzle tables: modules do not import each other's tables, see
-- 0004 and 0009). Accounts are suspended or anonymised, never deleted, so money records keep their holder.
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_owner_fk" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
-- Every entry balances per currency. Checked at commit (deferred), when all its postings are in: the
-- service refuses an unbalanced entry before writing anything; this holds for any other writer.
CREATE FUNCTION "ledger_entry_balanced"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	off text;
BEGIN
	SELECT string_agg(s.currency || ' ' || s.total::text, ', ') INTO off
	FROM (SELECT p.currency, sum(p.amount_minor) AS total FROM postings p
		WHERE p.entry_id = NEW.entry_id GROUP BY p.currency HAVING sum(p.amount_minor) <> 0) s;
	IF off IS NOT NULL THEN
		RAISE EXCEPTION 'journal entry % does not balance (%)', NEW.entry_id, off
			USING ERRCODE = 'check_violation', CONSTRAINT = 'postings_balanced';
	END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "postings_balanced" AFTER INSERT ON "postings"
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_entry_balanced"();--> statement-breakpoint
-- An entry moves money between two accounts at least: an entry with one posting or none is refused at commit.
CREATE FUNCTION "ledger_entry_has_postings"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT count(*) FROM postings p WHERE p.entry_id = NEW.id) < 2 THEN
		RAISE EXCEPTION 'journal entry % has fewer than two postings', NEW.id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entries_postings';
	END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "journal_entries_postings" AFTER INSERT ON "journal_entries"
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_entry_has_postings"();--> statement-breakpoint
-- Append-only, like the audit log (0002).
CREATE FUNCTION "ledger_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only: correct it with a new journal entry', TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege';
END
$$;--> statement-breakpoint
CREATE TRIGGER "journal_entries_no_change" BEFORE UPDATE OR DELETE ON "journal_entries"
	FOR EACH ROW EXECUTE FUNCTION "ledger_refuse_change"();--> statement-breakpoint
CREATE TRIGGER "journal_entries_no_truncate" BEFORE TRUNCATE ON "journal_entries"
	FOR EACH STATEMENT EXECUTE FUNCTION "ledger_refuse_change"();--> statement-breakpoint
CREATE TRIGGER "postings_no_change" BEFORE UPDATE OR DELETE ON "postings"
	FOR EACH ROW EXECUTE FUNCTION "ledger_refuse_change"();--> statement-breakpoint
CREATE TRIGGER "postings_no_truncate" BEFORE TRUNCATE ON "postings"
	FOR EACH STATEMENT EXECUTE FUNCTION "ledger_refuse_change"();
