import { Inject, Injectable } from '@nestjs/common';
import { sql, type SQL } from 'drizzle-orm';
import { DB, type Db } from '../../db/client.js';
import { branches } from '../branches/index.js';
import { categories, products, type Ingredient } from '../catalog/index.js';
import { stockLots } from '../inventory/index.js';
import { RANK_WINDOW, type SearchTerms } from './search.rules.js';

export interface ProductFilter {
  categoryId?: string;
  rx?: boolean;
  inStockAt?: string;
}

export interface ProductHitRow {
  id: string;
  nameEn: string;
  nameAr: string;
  ingredients: Ingredient[];
  form: string;
  packSize: string;
  manufacturer: string;
  categoryId: string;
  priceMinor: number;
  rxRequired: boolean;
  controlled: boolean;
  image: string | null;
  inStock: boolean;
  score: number;
}

export interface SubstituteRow extends ProductHitRow {
  nearestKm: number | null;
}

export type RankedAfter = readonly [score: number, inStock: 0 | 1, id: string];

/** A branch "nearby" for substitutes: it delivers to the point, or the point is within pickup distance. */
export const PICKUP_KM = 20;

const COLUMNS = sql.raw(`p.id, p.name_en AS "nameEn", p.name_ar AS "nameAr", p.ingredients, p.form,
  p.pack_size AS "packSize", p.manufacturer, p.category_id AS "categoryId", p.price_minor AS "priceMinor",
  p.rx_required AS "rxRequired", p.controlled, p.images->>0 AS image`);

async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

const toHit = <T extends ProductHitRow>(r: T): T => ({
  ...r,
  priceMinor: Number(r.priceMinor),
  score: Number(r.score ?? 0),
  inStock: r.inStock === true,
});

/**
 * Read-side composition over catalog, inventory and branches tables (read only, through their index.ts).
 * Every query is keyset-paged; none uses OFFSET.
 */
@Injectable()
export class SearchRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** Sellable now: a lot not expiring by `cutoff`, with unreserved units, at an active branch (or at `branchId`). */
  private inStock(cutoff: string, branchId?: string, productId: SQL = sql`p.id`): SQL {
    // One probe of stock_lots_fefo_idx per product, then the branch of a lot found (a scalar subquery: as a
    // join, the planner hashed every branch for each product probed).
    return sql`exists (select 1 from ${stockLots} l
      where l.product_id = ${productId} and l.expires_on > ${cutoff}::date and l.on_hand > l.reserved
      ${branchId ? sql`and l.branch_id = ${branchId}::uuid` : sql``}
      and (select b.active from ${branches} b where b.id = l.branch_id))`;
  }

  private filters(f: ProductFilter, cutoff: string): SQL {
    const parts: SQL[] = [sql`p.active`];
    // A category means its whole subtree (browsing "Pain & Fever" shows "Headache" too).
    if (f.categoryId)
      parts.push(sql`p.category_id in (with recursive sub(id) as (
        select ${f.categoryId}::uuid union select c.id from ${categories} c join sub on c.parent_id = sub.id
      ) select id from sub)`);
    if (f.rx !== undefined) parts.push(sql`p.rx_required = ${f.rx}`);
    if (f.inStockAt) parts.push(this.inStock(cutoff, f.inStockAt));
    return sql.join(parts, sql` and `);
  }

  /** The catalog in id order: one index range per page however deep (the category index when filtered). */
  async browse(f: ProductFilter, cutoff: string, afterId: string | undefined, limit: number): Promise<ProductHitRow[]> {
    const rows = await rowsOf<ProductHitRow>(
      this.db,
      sql`select ${COLUMNS}, ${this.inStock(cutoff, f.inStockAt)} as "inStock"
      from (select * from ${products} p where ${this.filters(f, cutoff)}
            ${afterId ? sql`and p.id > ${afterId}::uuid` : sql``}
            order by p.id limit ${limit}) p
      order by p.id`,
    );
    return rows.map(toHit);
  }

  /**
   * Matches ranked by relevance, then in stock, then id. Candidates come from the GIN indexes only: word
   * prefixes (full text, `aug` → Augmentin) or, when no word starts with the query, typos (trigram word
   * similarity, `augmentn`). At most RANK_WINDOW candidates are ranked, so the ranking work is bounded
   * however many products match, and every page is a keyset slice of the same ranked window.
   * Score: prefix matches 2000-2999 (earlier in the text = higher: brand names come first, then generic
   * names, then the manufacturer), typo matches 1000-1999 by word similarity.
   */
  async ranked(
    terms: SearchTerms,
    f: ProductFilter,
    cutoff: string,
    after: RankedAfter | undefined,
    limit: number,
  ): Promise<ProductHitRow[]> {
    const rows = await rowsOf<ProductHitRow>(this.db, this.rankedSql(terms, f, cutoff, after, limit));
    return rows.map(toHit);
  }

  /** The plan of `ranked` (EXPLAIN, JSON): how tests and reviews see that only the GIN indexes find matches. */
  async rankedPlan(terms: SearchTerms, f: ProductFilter, cutoff: string): Promise<unknown> {
    const [row] = await rowsOf<{ 'QUERY PLAN': unknown }>(
      this.db,
      sql`explain (format json) ${this.rankedSql(terms, f, cutoff, undefined, 21)}`,
    );
    return row['QUERY PLAN'];
  }

  private rankedSql(
    terms: SearchTerms,
    f: ProductFilter,
    cutoff: string,
    after: RankedAfter | undefined,
    limit: number,
  ): SQL {
    const match = sql`to_tsvector('simple', p.search_text) @@ to_tsquery('simple', ${terms.tsquery})`;
    const where = this.filters(f, cutoff);
    // Typos are the fallback when no word starts with what was typed (`augmentn`): otherwise the one-time
    // filter is false and the trigram index is not even read. (A constant LIMIT, so the planner plans the
    // trigram index for a window of rows rather than a scan that expects to stop after one.)
    const typo = terms.typo
      ? sql`union all (select p.id, p.search_text, false from ${products} p
          where not exists (select 1 from fts) and ${terms.text} <% p.search_text and ${where}
          limit ${sql.raw(String(RANK_WINDOW))})`
      : sql``;
    const keyset = after
      ? sql`where r.score < ${after[0]} or (r.score = ${after[0]} and (r."inStock"::int < ${after[1]}
          or (r."inStock"::int = ${after[1]} and r.id > ${after[2]}::uuid)))`
      : sql``;
    return sql`with fts as (select p.id, p.search_text from ${products} p where ${match} and ${where} limit ${sql.raw(String(RANK_WINDOW))}),
      cand(id, search_text, exact) as (select id, search_text, true from fts ${typo}),
      ranked as (
        select c.id, ${this.inStock(cutoff, f.inStockAt, sql`c.id`)} as "inStock",
          case when c.exact then 2999 - least(greatest(strpos(c.search_text, ${terms.tokens[0]}) - 1, 0), 999)
               else 1000 + round(word_similarity(${terms.text}, c.search_text) * 999)::int end as score
        from cand c),
      page as (select * from ranked r ${keyset} order by r.score desc, r."inStock" desc, r.id limit ${limit})
      select ${COLUMNS}, page."inStock", page.score from page join ${products} p on p.id = page.id
      order by page.score desc, page."inStock" desc, page.id`;
  }

  /** Active branches whose names (en, ar) or address hold every word (branches are few: a scan is fine). */
  async branchesMatching(
    terms: SearchTerms,
    limit: number,
  ): Promise<{ id: string; nameEn: string; nameAr: string; address: string }[]> {
    // The SQL twin of normalizeSearch for stored branch texts: case, Arabic diacritics and letter variants.
    const folded = sql`translate(regexp_replace(lower(b.name_en || ' ' || b.name_ar || ' ' || b.address),
      '[\u064B-\u065F\u0670\u0640]', '', 'g'), 'أإآٱىةؤئ', 'اااايهوي')`;
    const words = terms.tokens.map((t) => sql`${folded} like ${`%${t}%`}`);
    return rowsOf(
      this.db,
      sql`select b.id, b.name_en as "nameEn", b.name_ar as "nameAr", b.address from ${branches} b
      where b.active and ${sql.join(words, sql` and `)} order by b.name_en, b.id limit ${limit}`,
    );
  }

  /**
   * Other active products with the same ingredients at the same strengths and the same form, cheapest
   * first (keyset on price, id). Given a point: the nearest branch with sellable stock that delivers there
   * or is within PICKUP_KM.
   */
  async substitutes(
    of: { id: string; ingredientsKey: string; form: string },
    cutoff: string,
    near: { lat: number; lng: number } | undefined,
    after: readonly [number, string] | undefined,
    limit: number,
  ): Promise<SubstituteRow[]> {
    const nearest = near
      ? sql`(select min(earth_distance(ll_to_earth(b.lat, b.lng), ll_to_earth(${near.lat}::float8, ${near.lng}::float8))) / 1000.0
          from ${stockLots} l join ${branches} b on b.id = l.branch_id and b.active
          where l.product_id = p.id and l.expires_on > ${cutoff}::date and l.on_hand > l.reserved
            and earth_distance(ll_to_earth(b.lat, b.lng), ll_to_earth(${near.lat}::float8, ${near.lng}::float8))
                <= greatest(b.delivery_radius_km, ${PICKUP_KM}) * 1000.0)`
      : sql`null::float8`;
    const rows = await rowsOf<SubstituteRow>(
      this.db,
      sql`select ${COLUMNS}, ${this.inStock(cutoff)} as "inStock", ${nearest} as "nearestKm"
      from (select * from ${products} p
            where p.ingredients_key = ${of.ingredientsKey} and lower(p.form) = lower(${of.form}) and p.active
              and p.id <> ${of.id}::uuid
            ${after ? sql`and (p.price_minor, p.id) > (${after[0]}::int, ${after[1]}::uuid)` : sql``}
            order by p.price_minor, p.id limit ${limit}) p
      order by p.price_minor, p.id`,
    );
    return rows.map((r) => ({ ...toHit(r), nearestKm: r.nearestKm === null ? null : Number(r.nearestKm) }));
  }
}
