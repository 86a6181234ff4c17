import { Inject, Injectable, Optional } from '@nestjs/common';
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { bindValues, DATABASE, DB, type Bind, type Database, type Db, type StatementOptions } from '../../db/client.js';
import { branches, categories, productWords, products, searchWords, stockLots } from '../../db/schema.js';
import type { Ingredient } from '../catalog/index.js';
import { sellableLot } from '../inventory/index.js';
import { prefixEnd, RANK_WINDOW, TYPO_WORDS, type SearchTerms } from './search.rules.js';

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

export interface RankOptions {
  /** How many matches are ranked (RANK_WINDOW by default). */
  window?: number;
}

export type RankedAfter = readonly [score: number, inStock: 0 | 1, id: string];

/** A branch "nearby" for substitutes: it delivers to the point, or the point is within pickup distance. */
export const PICKUP_KM = 20;

const COLUMNS = sql.raw(`p.id, p.name_en AS "nameEn", p.name_ar AS "nameAr", p.ingredients, p.form,
  p.pack_size AS "packSize", p.manufacturer, p.category_id AS "categoryId", p.price_minor AS "priceMinor",
  p.rx_required AS "rxRequired", p.controlled, p.images->>0 AS image`);

const toHit = <T extends ProductHitRow>(r: T): T => ({
  ...r,
  priceMinor: Number(r.priceMinor),
  score: Number(r.score ?? 0),
  inStock: r.inStock === true,
});

/** Which filters a statement has (its text), apart from their values. */
interface FilterShape {
  category: boolean;
  rx: boolean;
  atBranch: boolean;
}
const filterShape = (f: ProductFilter): FilterShape => ({
  category: f.categoryId !== undefined,
  rx: f.rx !== undefined,
  atBranch: f.inStockAt !== undefined,
});
const shapeKey = (f: FilterShape) => `${+f.category}${+f.rx}${+f.atBranch}`;
const filterValues = (f: ProductFilter, cutoff: string) => ({
  cutoff,
  categoryId: f.categoryId,
  rx: f.rx,
  branchId: f.inStockAt,
});

// The columns of `stock_lots l` and `branches b` in the queries below (sql`` renders an alias by name only,
// so the FROM clauses name the tables).
const l = alias(stockLots, 'l');
const b = alias(branches, 'b');

/**
 * Read-side composition over catalog, inventory and branches tables (read only, through the schema barrel;
 * what stock is sellable is inventory's sellableLot) and this module's word index (search.tables.ts).
 * Every query is keyset-paged; none uses OFFSET.
 */
@Injectable()
export class SearchRepository {
  constructor(
    @Inject(DB) private readonly db: Db,
    /** Absent when a test runs the repository on a transaction: then every query is planned as it comes. */
    @Optional() @Inject(DATABASE) private readonly database?: Database,
  ) {}

  /** Search reads are the hottest queries: prepared once per connection (see Database.prepared). */
  private rows<T>(query: SQL): Promise<T[]> {
    if (this.database) return this.database.prepared<T>(query);
    return this.db.execute(query).then((r) => (r as unknown as { rows: T[] }).rows);
  }

  /**
   * The hot reads (browse, ranked) as statements built once per shape (Database.statement): their builders
   * take every value through `bind`, and the shape key names each choice that changes the text.
   */
  private statement<T>(
    shape: string,
    values: Record<string, unknown>,
    build: (bind: Bind) => SQL,
    opts?: StatementOptions,
  ): Promise<T[]> {
    if (this.database) return this.database.statement<T>(shape, build, values, opts);
    return this.db.execute(build(bindValues(values))).then((r) => (r as unknown as { rows: T[] }).rows);
  }

  /** Sellable now (inventory's sellableLot) at an active branch, or at the bound `branchId`. */
  private inStock(bind: Bind, atBranch: boolean, productId: SQL = sql`p.id`): SQL {
    // One probe of stock_lots_fefo_idx per product, then the branch of a lot found (sellableLot's scalar
    // subquery: as a join, the planner hashed every branch for each product probed).
    return sql`exists (select 1 from ${stockLots} l
      where ${l.productId} = ${productId} ${atBranch ? sql`and ${l.branchId} = ${bind('branchId')}::uuid` : sql``}
      and ${sellableLot(l, bind('cutoff') as string | SQLWrapper)})`;
  }

  /** Conditions on `p` (products); `active`: include `p.active` (the word index holds active products only). */
  private filters(bind: Bind, f: FilterShape, active = true): SQL[] {
    const parts: SQL[] = active ? [sql`p.active`] : [];
    // A category means its whole subtree (browsing "Pain & Fever" shows "Headache" too).
    if (f.category)
      parts.push(sql`p.category_id in (with recursive sub(id) as (
        select ${bind('categoryId')}::uuid union select c.id from ${categories} c join sub on c.parent_id = sub.id
      ) select id from sub)`);
    if (f.rx) parts.push(sql`p.rx_required = ${bind('rx')}`);
    if (f.atBranch) parts.push(this.inStock(bind, true));
    return parts;
  }

  /** The catalog in id order: one index range per page however deep (the category index when filtered). */
  async browse(f: ProductFilter, cutoff: string, afterId: string | undefined, limit: number): Promise<ProductHitRow[]> {
    const shape = filterShape(f);
    const after = afterId !== undefined;
    const values = { ...filterValues(f, cutoff), afterId, limit };
    // Rows as the driver gives them (int4 and booleans are already JS numbers and booleans): the answer's
    // compiled serialiser writes only the schema's fields, so they are not copied into new objects.
    return this.statement<ProductHitRow>(
      `browse:${shapeKey(shape)}:${after}`,
      values,
      (bind) => sql`select ${COLUMNS}, ${this.inStock(bind, shape.atBranch)} as "inStock"
      from (select * from ${products} p where ${sql.join(this.filters(bind, shape), sql` and `)}
            ${after ? sql`and p.id > ${bind('afterId')}::uuid` : sql``}
            order by p.id limit ${bind('limit')}) p
      order by p.id`,
    );
  }

  /**
   * Matches ranked by relevance, then in stock, then id. Candidates come from the word index (migration 0005),
   * read in index order: the words starting with the query's longest word, best-placed first (position 0 is
   * the start of the English name). At most RANK_WINDOW candidates are read and ranked, so the work is bounded
   * however many products match, and every page is a keyset slice of the same ranked window.
   * When no word starts with it, the few dictionary words closest to the longest word (trigram similarity):
   * `augmentn` → augmentin. Score: prefix matches 2999 - position, typo matches 1000-1999 by similarity.
   */
  async ranked(
    terms: SearchTerms,
    f: ProductFilter,
    cutoff: string,
    after: RankedAfter | undefined,
    limit: number,
    opts: RankOptions = {},
  ): Promise<ProductHitRow[]> {
    const { shape, values, build } = this.rankedStatement(terms, f, cutoff, after, limit, opts);
    // Left to choose, PostgreSQL re-plans the typo search on every call (0.8 ms of 2.4); its generic plan
    // serves every value (the word ranges and the dictionary probe are index lookups).
    return this.statement<ProductHitRow>(shape, values, build, terms.typo ? { plan: 'generic' } : {});
  }

  /** The plan of `ranked` (EXPLAIN, JSON): how tests and reviews see that only the word index finds matches. */
  async rankedPlan(terms: SearchTerms, f: ProductFilter, cutoff: string): Promise<unknown> {
    const { values, build } = this.rankedStatement(terms, f, cutoff, undefined, 21, {});
    const res = await this.db.execute(sql`explain (format json) ${build(bindValues(values))}`);
    return (res as unknown as { rows: { 'QUERY PLAN': unknown }[] }).rows[0]['QUERY PLAN'];
  }

  private rankedStatement(
    terms: SearchTerms,
    f: ProductFilter,
    cutoff: string,
    after: RankedAfter | undefined,
    limit: number,
    { window: size = RANK_WINDOW }: RankOptions,
  ): { shape: string; values: Record<string, unknown>; build: (bind: Bind) => SQL } {
    const filter = filterShape(f);
    const others = terms.others.length;
    const paged = after !== undefined;
    const values: Record<string, unknown> = {
      ...filterValues(f, cutoff),
      driver: terms.driver,
      driverEnd: prefixEnd(terms.driver),
      limit,
      afterScore: after?.[0],
      afterStock: after?.[1],
      afterId: after?.[2],
    };
    terms.others.forEach((t, i) => (values[`other${i}`] = `% ${t}%`));
    const shape = `ranked:${shapeKey(filter)}:${terms.typo}:${others}:${paged}:${size}`;
    return { shape, values, build: (bind) => this.rankedSql(bind, filter, terms.typo, others, paged, size) };
  }

  private rankedSql(bind: Bind, f: FilterShape, typo: boolean, others: number, paged: boolean, size: number): SQL {
    const window = sql.raw(String(size));
    // The product row is read only when something must be checked on it: a filter, or the other words.
    const checks = [
      ...this.filters(bind, f, false),
      ...Array.from({ length: others }, (_, i) => sql`(' ' || p.search_text) like ${bind(`other${i}`)}`),
    ];
    const product = checks.length
      ? sql`join ${products} p on p.id = w.product_id and ${sql.join(checks, sql` and `)}`
      : sql``;
    // One index range per position, best position first; the outer LIMIT stops reading once the window is full.
    const arms = (word: SQL, score: SQL) => sql`select c.id, c.score from generate_series(0, 15) g(pos)
      cross join lateral (select w.product_id as id, ${score} as score from ${productWords} w ${product}
        where w.pos = g.pos and ${word} order by w.word, w.product_id limit ${window}) c`;
    const prefix = arms(sql`w.word >= ${bind('driver')} and w.word < ${bind('driverEnd')}`, sql`2999 - w.pos`);
    // Typos are the fallback when no word starts with what was typed: a one-time filter on `pre` keeps the
    // dictionary from even being read otherwise. The closest words that some active product still holds
    // (the dictionary only grows), checked in order of similarity until there are enough. The outer ORDER BY
    // is what makes "the closest" hold: a subquery's order is not kept by the query around it (a generic
    // plan once took five other words), and on the sorted subquery it costs no sort.
    const candidates = typo
      ? sql`with pre as (${prefix} limit ${window}),
          words as (select s.word, s.sim from (select d.word, similarity(d.word, ${bind('driver')}) as sim
              from ${searchWords} d where not exists (select 1 from pre) and d.word % ${bind('driver')}
              order by sim desc, d.word offset 0) s
            where exists (select 1 from generate_series(0, 15) g(pos) join ${productWords} w on w.pos = g.pos and w.word = s.word)
            order by s.sim desc, s.word limit ${sql.raw(String(TYPO_WORDS))}),
          cand as (select * from pre union all (select c.* from words t
            cross join lateral (${arms(sql`w.word = t.word`, sql`1000 + round(t.sim * 999)::int`)}) c limit ${window}))`
      : sql`with cand as (${prefix} limit ${window})`;
    const inStock = (id: SQL) => this.inStock(bind, f.atBranch, id);
    const order = sql`order by r.score desc, r."inStock" desc, r.id limit ${bind('limit')}`;
    const tail = sql`select ${COLUMNS}, page."inStock", page.score from page join ${products} p on p.id = page.id
      order by page.score desc, page."inStock" desc, page.id`;
    if (paged) {
      const keyset = sql`where r.score < ${bind('afterScore')} or (r.score = ${bind('afterScore')} and (r."inStock"::int < ${bind('afterStock')}
          or (r."inStock"::int = ${bind('afterStock')} and r.id > ${bind('afterId')}::uuid)))`;
      return sql`${candidates},
        ranked as (select c.id, max(c.score) as score, ${inStock(sql`c.id`)} as "inStock" from cand c group by c.id),
        page as (select * from ranked r ${keyset} ${order})
        ${tail}`;
    }
    // First page. When the best-scored matches hold at least `limit` in stock, the page is exactly those with
    // the smallest ids (in stock ranks first among equals): stock is looked up in id order only until the page
    // is full (`fast`; OFFSET 0 keeps the ordering below the stock filter, so the LIMIT stops the lookups). Otherwise every match's stock is looked up and ranked (`ranked`, not run when `fast`
    // is full: a one-time filter gates it).
    return sql`${candidates},
      best as (select c.id, max(c.score) as score from cand c group by c.id),
      fast as (select m.id, m.score, true as "inStock"
        from (select * from best where score = (select max(score) from best) order by id offset 0) m
        where ${inStock(sql`m.id`)} order by m.id limit ${bind('limit')}),
      ranked as (select m.id, m.score, ${inStock(sql`m.id`)} as "inStock" from best m),
      page as (select * from fast where (select count(*) from fast) = ${bind('limit')}
        union all (select * from ranked r where (select count(*) from fast) < ${bind('limit')} ${order}))
      ${tail}`;
  }

  /**
   * Active branches whose names (en, ar) or address hold every word, for chains too big to hold in memory
   * (BRANCHES_IN_MEMORY_MAX; search.rules branchesMatching is the in-memory twin).
   */
  async branchesMatching(
    terms: SearchTerms,
    limit: number,
  ): Promise<{ id: string; nameEn: string; nameAr: string; address: string }[]> {
    // The SQL twin of normalizeSearch for stored branch texts: case, Arabic diacritics and letter variants.
    const folded = sql`translate(regexp_replace(lower(b.name_en || ' ' || b.name_ar || ' ' || b.address),
      '[\u064B-\u065F\u0670\u0640]', '', 'g'), 'أإآٱىةؤئ', 'اااايهوي')`;
    const words = terms.tokens.map((t) => sql`${folded} like ${`%${t}%`}`);
    return this.rows(
      sql`select b.id, b.name_en as "nameEn", b.name_ar as "nameAr", b.address from ${branches} b
      where b.active and ${sql.join(words, sql` and `)} order by b.name_en collate "C", b.id limit ${limit}`,
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
          from ${stockLots} l join ${branches} b on ${b.id} = ${l.branchId}
          where ${l.productId} = p.id and ${sellableLot(l, cutoff, b)}
            and earth_distance(ll_to_earth(b.lat, b.lng), ll_to_earth(${near.lat}::float8, ${near.lng}::float8))
                <= greatest(b.delivery_radius_km, ${PICKUP_KM}) * 1000.0)`
      : sql`null::float8`;
    const rows = await this.rows<SubstituteRow>(
      sql`select ${COLUMNS}, ${this.inStock(bindValues({ cutoff }), false)} as "inStock", ${nearest} as "nearestKm"
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
