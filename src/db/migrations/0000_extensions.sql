-- drizzle-kit writes no CREATE EXTENSION; these are the contrib extensions the modules rely on.
-- Each is available on PostgreSQL 15+ (contrib) and in PGlite 0.5.14 (loaded in src/db/client.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS cube;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS earthdistance;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
