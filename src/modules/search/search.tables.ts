import { customType, index, pgTable, primaryKey, smallint, uuid } from 'drizzle-orm/pg-core';

/**
 * The word index of product search (migration 0005_search_index.sql, which creates these tables and the
 * triggers on products that keep them). Declared here so the schema names every table; only those triggers
 * write them, and SearchRepository reads them in SQL.
 */

/** Words compare byte-wise (C collation): the prefix range `word >= p and word < prefixEnd(p)` relies on it. */
const wordText = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

/** The dictionary of distinct words; its trigram index turns a typo into the words it probably meant. */
export const searchWords = pgTable('search_words', { word: wordText('word').primaryKey() }, (t) => [
  index('search_words_trgm_idx').using('gin', t.word.op('gin_trgm_ops')),
]);

/** Each word of each active product's search_text, at its first position (capped at 15). */
export const productWords = pgTable(
  'product_words',
  {
    pos: smallint('pos').notNull(),
    word: wordText('word').notNull(),
    // No foreign key: the triggers pair rows with products by id (product ids are never updated).
    productId: uuid('product_id').notNull(),
  },
  (t) => [primaryKey({ name: 'product_words_pkey', columns: [t.pos, t.word, t.productId] })],
);
