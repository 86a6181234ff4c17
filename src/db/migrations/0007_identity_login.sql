-- Login throttling is keyed per identifier + client address ('pair:') and per identifier ('ident:'), see
-- src/modules/identity/login-throttle.repository.ts. Rows of the old identifier-only lock ('login:') would
-- never be read again (and kept their victims locked for the rest of their window): drop them.
DELETE FROM "login_throttles" WHERE "key" LIKE 'login:%';
--> statement-breakpoint
ALTER TABLE "login_throttles" ADD CONSTRAINT "login_throttles_failures_nonneg" CHECK ("failures" >= 0);
