-- Issue 16 (checkout throughput): the cached balance of a house account that may go negative (revenue, the
-- clearing accounts, discounts, refunds, adjustments, loyalty liability) is kept in shards. Every order
-- posts to revenue; one balance row made every checkout wait for the one before it to commit (a quarter of
-- the bench's database wait). A posting adds to one of 16 shard rows of its account, picked at random, so
-- parallel orders rarely meet; the account's balance is its base row plus its shards (view ledger_balances).
-- Accounts a balance decides on (wallets, points, payables, payment holds) keep their single locked row.
CREATE TABLE "ledger_balance_shards" (
	"account_id" uuid NOT NULL,
	"shard" smallint NOT NULL,
	"balance_minor" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "ledger_balance_shards_pkey" PRIMARY KEY("account_id","shard"),
	CONSTRAINT "ledger_balance_shards_shard" CHECK ("ledger_balance_shards"."shard" >= 0 AND "ledger_balance_shards"."shard" < 64)
);
--> statement-breakpoint
ALTER TABLE "ledger_balance_shards" ADD CONSTRAINT "ledger_balance_shards_account_fk" FOREIGN KEY ("account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
-- Each account's balance in its normal sense: the base row plus its shards.
CREATE VIEW "ledger_balances" AS
	SELECT a."id" AS "account_id", a."code", a."kind", a."owner_id", a."currency", a."normal_side", a."may_go_negative",
		(a."balance_minor" + coalesce((SELECT sum(s."balance_minor") FROM "ledger_balance_shards" s WHERE s."account_id" = a."id"), 0))::bigint AS "balance_minor"
	FROM "ledger_accounts" a;
