import { Inject, Injectable } from '@nestjs/common';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { newId } from '../../kernel/ids.js';
import type { ImportProduct } from './catalog.csv.js';
import { categories, products } from './catalog.tables.js';

export type CategoryRow = typeof categories.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type NewProduct = typeof products.$inferInsert;
export type ProductPatch = Partial<Omit<NewProduct, 'id' | 'version' | 'createdAt' | 'updatedAt'>>;
/** A product as cart pricing reads it (ProductsService.forPricing). */
export interface PricingRow {
  id: string;
  nameEn: string;
  nameAr: string;
  image: string | null;
  priceMinor: number;
  rxRequired: boolean;
  controlled: boolean;
  active: boolean;
  categoryId: string;
  categoryPath: string[];
}
export interface TreeRow {
  id: string;
  parentId: string | null;
  nameEn: string;
  nameAr: string;
  depth: number;
}

// Any constant works: it only has to be the same for every writer of the category tree.
const CATEGORY_TREE_LOCK = 0x0ca7_a106;

/** Rows of a raw query, the same on both drivers (pg and PGlite both answer `{ rows }`). */
async function rowsOf<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** All SQL of the catalog (rule 4). Decides nothing. */
@Injectable()
export class CatalogRepository {
  constructor(@Inject(DB) readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  // ---- categories
  /** Moves are serialised so two concurrent moves cannot each pass the cycle check and close a loop together. */
  async lockCategoryTree(tx: DbOrTx): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(${CATEGORY_TREE_LOCK})`);
  }

  async findCategory(id: string, tx: DbOrTx = this.db): Promise<CategoryRow | undefined> {
    const [row] = await tx.select().from(categories).where(eq(categories.id, id));
    return row;
  }

  /** The ids above a category, nearest first (bounded, in case a loop was ever written by hand). */
  async ancestorIds(id: string, tx: DbOrTx = this.db): Promise<string[]> {
    const rows = await rowsOf<{ id: string }>(
      tx,
      sql`
      with recursive up(id, parent_id, n) as (
        select id, parent_id, 0 from ${categories} where id = ${id}
        union all
        select c.id, c.parent_id, up.n + 1 from ${categories} c join up on c.id = up.parent_id where up.n < 1000
      )
      select id from up where n > 0 order by n`,
    );
    return rows.map((r) => r.id);
  }

  async insertCategory(row: typeof categories.$inferInsert, tx: DbOrTx = this.db): Promise<CategoryRow> {
    const [created] = await tx.insert(categories).values(row).returning();
    return created;
  }

  async updateCategory(
    id: string,
    patch: Partial<Pick<CategoryRow, 'nameEn' | 'nameAr' | 'parentId'>>,
    tx: DbOrTx = this.db,
  ): Promise<CategoryRow | undefined> {
    const [row] = await tx.update(categories).set(patch).where(eq(categories.id, id)).returning();
    return row;
  }

  /** Every category with its depth, parents before children. */
  async categoryTree(): Promise<TreeRow[]> {
    const rows = await rowsOf<{
      id: string;
      parent_id: string | null;
      name_en: string;
      name_ar: string;
      depth: number;
    }>(
      this.db,
      sql`
      with recursive tree(id, parent_id, name_en, name_ar, depth) as (
        select id, parent_id, name_en, name_ar, 0 from ${categories} where parent_id is null
        union all
        select c.id, c.parent_id, c.name_en, c.name_ar, t.depth + 1
        from ${categories} c join tree t on c.parent_id = t.id where t.depth < 1000
      )
      select id, parent_id, name_en, name_ar, depth from tree order by depth, id`,
    );
    return rows.map((r) => ({
      id: r.id,
      parentId: r.parent_id,
      nameEn: r.name_en,
      nameAr: r.name_ar,
      depth: Number(r.depth),
    }));
  }

  categoryNames(): Promise<{ id: string; nameEn: string; nameAr: string }[]> {
    return this.db.select({ id: categories.id, nameEn: categories.nameEn, nameAr: categories.nameAr }).from(categories);
  }

  // ---- products
  async findProduct(id: string, tx: DbOrTx = this.db): Promise<ProductRow | undefined> {
    const [row] = await tx.select().from(products).where(eq(products.id, id));
    return row;
  }

  /**
   * What pricing a cart needs of each product (inactive ones too: the caller decides), with the ids of the
   * categories above its own (`categoryPath`, for category offers), in one statement.
   */
  pricingRows(ids: readonly string[], tx: DbOrTx = this.db): Promise<PricingRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const list = sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    );
    return rowsOf<PricingRow>(
      tx,
      sql`
      with recursive p as (
        select id, name_en, name_ar, images ->> 0 as image, price_minor, rx_required, controlled, active, category_id
        from ${products} where id in (${list})
      ), up(product_id, id, parent_id, n) as (
        select p.id, c.id, c.parent_id, 0 from p join ${categories} c on c.id = p.category_id
        union all
        select up.product_id, c.id, c.parent_id, up.n + 1 from ${categories} c join up on c.id = up.parent_id
        where up.n < 1000
      )
      select p.id, p.name_en as "nameEn", p.name_ar as "nameAr", p.image, p.price_minor as "priceMinor",
        p.rx_required as "rxRequired", p.controlled, p.active, p.category_id as "categoryId",
        coalesce((select array_agg(up.id::text) from up where up.product_id = p.id and up.n > 0), '{}') as "categoryPath"
      from p`,
    );
  }

  /**
   * Active generic equivalents: products with these ingredients at these strengths in this form (any case; the
   * substitutes index), cheapest first, at most `limit`.
   */
  equivalentIds(ingredientsKey: string, form: string, limit: number, tx: DbOrTx = this.db): Promise<{ id: string }[]> {
    return tx
      .select({ id: products.id })
      .from(products)
      .where(
        and(
          eq(products.ingredientsKey, ingredientsKey),
          sql`lower(${products.form}) = lower(${form})`,
          eq(products.active, true),
        ),
      )
      .orderBy(products.priceMinor, products.id)
      .limit(limit);
  }

  /** Undefined when the barcode is taken. */
  async insertProduct(row: NewProduct, tx: DbOrTx = this.db): Promise<ProductRow | undefined> {
    const [created] = await tx
      .insert(products)
      .values(row)
      .onConflictDoNothing({ target: products.barcode })
      .returning();
    return created;
  }

  /** Applies the patch only if the row is still at `version`, and bumps it. Undefined when it is not. */
  async updateProduct(
    id: string,
    version: number,
    patch: ProductPatch,
    tx: DbOrTx = this.db,
  ): Promise<ProductRow | undefined> {
    const [row] = await tx
      .update(products)
      .set({ ...patch, version: sql`${products.version} + 1` })
      .where(and(eq(products.id, id), eq(products.version, version)))
      .returning();
    return row;
  }

  /**
   * One multi-row INSERT ... ON CONFLICT (barcode) DO UPDATE: new barcodes are created, known ones updated
   * (version bumped) only when something differs. Returns the rows written, each marked inserted or not.
   */
  async upsertProducts(
    rows: readonly ImportProduct[],
    tx: DbOrTx = this.db,
  ): Promise<{ id: string; inserted: boolean }[]> {
    if (rows.length === 0) return [];
    const ex = (column: string) => sql.raw(`excluded.${column}`);
    return tx
      .insert(products)
      .values(rows.map((r) => ({ ...r, id: newId() })))
      .onConflictDoUpdate({
        target: products.barcode,
        set: {
          nameEn: ex('name_en'),
          nameAr: ex('name_ar'),
          ingredients: ex('ingredients'),
          ingredientsKey: ex('ingredients_key'),
          form: ex('form'),
          packSize: ex('pack_size'),
          manufacturer: ex('manufacturer'),
          categoryId: ex('category_id'),
          priceMinor: ex('price_minor'),
          rxRequired: ex('rx_required'),
          controlled: ex('controlled'),
          images: ex('images'),
          active: ex('active'),
          searchText: ex('search_text'),
          version: sql`${products.version} + 1`,
          updatedAt: sql`now()`,
        },
        setWhere: sql`(${products.nameEn}, ${products.nameAr}, ${products.ingredients}, ${products.form},
          ${products.packSize}, ${products.manufacturer}, ${products.categoryId}, ${products.priceMinor},
          ${products.rxRequired}, ${products.controlled}, ${products.images}, ${products.active})
          is distinct from (excluded.name_en, excluded.name_ar, excluded.ingredients, excluded.form,
          excluded.pack_size, excluded.manufacturer, excluded.category_id, excluded.price_minor,
          excluded.rx_required, excluded.controlled, excluded.images, excluded.active)`,
      })
      .returning({ id: products.id, inserted: sql<boolean>`(xmax = 0)` });
  }
}
