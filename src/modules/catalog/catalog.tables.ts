import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { createdAt, pk, updatedAt } from '../../db/columns.js';

export interface Ingredient {
  name: string;
  strength: string;
}

export const categories = pgTable(
  'categories',
  {
    id: pk(),
    parentId: uuid('parent_id').references((): AnyPgColumn => categories.id, { onDelete: 'restrict' }),
    nameEn: text('name_en').notNull(),
    nameAr: text('name_ar').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('categories_parent_idx').on(t.parentId)],
);

export const products = pgTable(
  'products',
  {
    id: pk(),
    nameEn: text('name_en').notNull(),
    nameAr: text('name_ar').notNull(),
    ingredients: jsonb('ingredients').$type<Ingredient[]>().notNull(),
    /** Normalised, sorted "name strength" pairs: equal keys + equal form = generic substitutes. */
    ingredientsKey: text('ingredients_key').notNull(),
    form: text('form').notNull(),
    packSize: text('pack_size').notNull(),
    manufacturer: text('manufacturer').notNull(),
    barcode: text('barcode').notNull(),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => categories.id, { onDelete: 'restrict' }),
    priceMinor: integer('price_minor').notNull(),
    rxRequired: boolean('rx_required').notNull().default(false),
    controlled: boolean('controlled').notNull().default(false),
    images: jsonb('images').$type<string[]>().notNull().default([]),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    /**
     * Names (en, ar), ingredients and manufacturer, normalised in code (Arabic letter variants, diacritics).
     * Triggers keep the word index of search (migration 0005) in step with it.
     */
    searchText: text('search_text').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('products_barcode_key').on(t.barcode),
    index('products_category_idx').on(t.categoryId, t.id),
    index('products_substitutes_idx').on(t.ingredientsKey, t.form),
    check('products_price_nonneg', sql`${t.priceMinor} >= 0`),
    check('products_version_pos', sql`${t.version} >= 1`),
  ],
);

/** A complete product row as imports and seeds write it: everything but the columns the database fills. */
export type ProductRowInput = Required<
  Omit<typeof products.$inferInsert, 'id' | 'version' | 'createdAt' | 'updatedAt'>
>;
