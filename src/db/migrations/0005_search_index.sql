-- The word index of product search (SearchRepository.ranked). The GIN indexes on search_text answer "which
-- products hold a word starting with `aug`" only as a bitmap of every match (15,000 at a million products,
-- 11 ms before a single row is read). Here every word of every product's search_text is a btree entry
-- ordered by (pos, word, product): a prefix search reads the best-placed matches first, in index order, and
-- stops after the window it ranks, however many products match. search_words is the dictionary of distinct
-- words; its trigram index turns a typo into the words it probably meant.
-- Both are kept by the triggers below on every write of products (any path: the API, the CSV import, seeds),
-- so they cannot drift from search_text. (Product ids are never updated: rows are paired by id.)
-- The dictionary only grows; a word no active product holds any more is skipped by the typo lookup. They are not drizzle tables: only SQL reads or writes them.
-- The GIN indexes it replaces.
DROP INDEX IF EXISTS "products_search_fts_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "products_search_trgm_idx";--> statement-breakpoint
CREATE TABLE "search_words" (
	"word" text COLLATE "C" PRIMARY KEY
);--> statement-breakpoint
CREATE INDEX "search_words_trgm_idx" ON "search_words" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
CREATE TABLE "product_words" (
	"pos" smallint NOT NULL,
	"word" text COLLATE "C" NOT NULL,
	"product_id" uuid NOT NULL,
	CONSTRAINT "product_words_pkey" PRIMARY KEY ("pos", "word", "product_id")
);--> statement-breakpoint
-- The distinct words of a search_text (split on the single spaces normalizeSearch leaves), each with the
-- 0-based position of its first occurrence, capped at 15 (brand names come first, the manufacturer last),
-- and at most 100 characters long (a btree entry has a size limit; nobody types a longer word).
CREATE FUNCTION "product_words_of"(search_text text) RETURNS TABLE ("word" text, "pos" smallint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT left(t.w, 100) COLLATE "C", least(min(t.n) - 1, 15)::smallint
	FROM regexp_split_to_table(search_text, ' ') WITH ORDINALITY AS t(w, n)
	WHERE t.w <> ''
	GROUP BY 1
$$;--> statement-breakpoint
-- Adds words to the dictionary. New words are added by one writer at a time (a transaction-scoped advisory
-- lock): an upsert fires its UPDATE and then its INSERT trigger, each adding its own sorted run of words, so
-- two writers could otherwise take the same words' locks in opposite orders and deadlock. Writers whose
-- words are all known (nearly all, once a catalog is loaded) take no lock.
CREATE FUNCTION "search_words_add"(words text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM unnest(words) AS w(word)
			WHERE NOT EXISTS (SELECT 1 FROM search_words s WHERE s.word = w.word COLLATE "C")) THEN
		PERFORM pg_advisory_xact_lock(hashtext('medyour.search_words'));
		INSERT INTO search_words (word) SELECT w.word COLLATE "C" FROM unnest(words) AS w(word) ON CONFLICT DO NOTHING;
	END IF;
END
$$;--> statement-breakpoint
-- Only active products are indexed: a deactivated product leaves the index, and comes back when reactivated.
CREATE FUNCTION "products_search_index"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM search_words_add(ARRAY(
			SELECT DISTINCT w.word FROM new_rows n CROSS JOIN LATERAL product_words_of(n.search_text) w WHERE n.active));
		INSERT INTO product_words (pos, word, product_id)
			SELECT w.pos, w.word, n.id FROM new_rows n CROSS JOIN LATERAL product_words_of(n.search_text) w
			WHERE n.active;
	ELSIF TG_OP = 'UPDATE' THEN
		DELETE FROM product_words pw
			USING old_rows o JOIN new_rows n ON n.id = o.id
				AND (n.search_text IS DISTINCT FROM o.search_text OR n.active IS DISTINCT FROM o.active)
				CROSS JOIN LATERAL product_words_of(o.search_text) w
			WHERE o.active AND pw.pos = w.pos AND pw.word = w.word AND pw.product_id = o.id;
		PERFORM search_words_add(ARRAY(
			SELECT DISTINCT w.word FROM old_rows o JOIN new_rows n ON n.id = o.id
				AND (n.search_text IS DISTINCT FROM o.search_text OR n.active IS DISTINCT FROM o.active)
				CROSS JOIN LATERAL product_words_of(n.search_text) w
			WHERE n.active));
		INSERT INTO product_words (pos, word, product_id)
			SELECT w.pos, w.word, n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
				AND (n.search_text IS DISTINCT FROM o.search_text OR n.active IS DISTINCT FROM o.active)
				CROSS JOIN LATERAL product_words_of(n.search_text) w
			WHERE n.active;
	ELSE
		DELETE FROM product_words pw
			USING old_rows o CROSS JOIN LATERAL product_words_of(o.search_text) w
			WHERE o.active AND pw.pos = w.pos AND pw.word = w.word AND pw.product_id = o.id;
	END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "products_search_index_insert" AFTER INSERT ON "products"
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products_search_index();--> statement-breakpoint
CREATE TRIGGER "products_search_index_update" AFTER UPDATE ON "products"
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION products_search_index();--> statement-breakpoint
CREATE TRIGGER "products_search_index_delete" AFTER DELETE ON "products"
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION products_search_index();--> statement-breakpoint
-- TRUNCATE fires no row or DELETE trigger: the index is emptied with the table. (DELETE, not TRUNCATE: a
-- TRUNCATE that lists the index tables too has already emptied them, and may not truncate them again.)
CREATE FUNCTION "products_search_index_truncate"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM product_words;
	DELETE FROM search_words;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "products_search_index_truncate" AFTER TRUNCATE ON "products"
	FOR EACH STATEMENT EXECUTE FUNCTION products_search_index_truncate();--> statement-breakpoint
-- Rebuilds both tables from products: for products written before this migration, and for bulk loads that
-- switch the triggers off (the bench seed) and index once at the end, in index order.
CREATE FUNCTION "search_index_rebuild"() RETURNS void
LANGUAGE sql AS $$
	TRUNCATE product_words, search_words;
	INSERT INTO product_words (pos, word, product_id)
		SELECT w.pos, w.word, p.id FROM products p CROSS JOIN LATERAL product_words_of(p.search_text) w
		WHERE p.active ORDER BY 1, 2, 3;
	INSERT INTO search_words (word) SELECT DISTINCT word FROM product_words ORDER BY 1;
$$;--> statement-breakpoint
SELECT search_index_rebuild();
