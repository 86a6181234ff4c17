/**
 * The SQL our API runs for each bench scenario, copied verbatim (as the application sends it, captured
 * from the pg driver) from the repositories named above each constant. When one of them changes, copy it
 * again: `npm run bench` captures the statements the built API sends and compares them with these (column
 * "same SQL"), and compares both servers' answers (column "same answer").
 */

/** CatalogRepository.findProduct (ProductsService.getPublic, on a cache miss). $1 id */
export const PRODUCT_BY_ID = `select "id", "name_en", "name_ar", "ingredients", "ingredients_key", "form", "pack_size", "manufacturer", "barcode", "category_id", "price_minor", "rx_required", "controlled", "images", "active", "version", "search_text", "created_at", "updated_at" from "products" where "products"."id" = $1`;

const COLUMNS = `p.id, p.name_en AS "nameEn", p.name_ar AS "nameAr", p.ingredients, p.form,
  p.pack_size AS "packSize", p.manufacturer, p.category_id AS "categoryId", p.price_minor AS "priceMinor",
  p.rx_required AS "rxRequired", p.controlled, p.images->>0 AS image`;

/** SearchRepository.inStock(cutoff) over `productId` (inventory's sellableLot); $cutoff the sellable cutoff date. */
const inStock = (productId: string, cutoff: string) => `exists (select 1 from "stock_lots" l
      where "l"."product_id" = ${productId}
      and ("l"."expires_on" > ${cutoff}::date and "l"."on_hand" > "l"."reserved" and (select b.active from "branches" b where b.id = "l"."branch_id")))`;

/** SearchRepository.browse without filters. $1 cutoff, $2 limit; with `after`: $2 after id, $3 limit */
export const browse = (after: boolean) => `select ${COLUMNS}, ${inStock('p.id', '$1')} as "inStock"
      from (select * from "products" p where p.active
            ${after ? 'and p.id > $2::uuid' : ''}
            order by p.id limit ${after ? '$3' : '$2'}) p
      order by p.id`;

/** The ranking after the candidates; `n`: its first parameter number (cutoff, limit, cutoff, limit ×3). */
const rankTail = (n: number) => `best as (select c.id, max(c.score) as score from cand c group by c.id),
      fast as (select m.id, m.score, true as "inStock"
        from (select * from best where score = (select max(score) from best) order by id offset 0) m
        where ${inStock('m.id', `$${n}`)} order by m.id limit $${n + 1}),
      ranked as (select m.id, m.score, ${inStock('m.id', `$${n + 2}`)} as "inStock" from best m),
      page as (select * from fast where (select count(*) from fast) = $${n + 3}
        union all (select * from ranked r where (select count(*) from fast) < $${n + 4} order by r.score desc, r."inStock" desc, r.id limit $${n + 5}))
      select ${COLUMNS}, page."inStock", page.score from page join "products" p on p.id = page.id
      order by page.score desc, page."inStock" desc, page.id`;

const prefixArms = `select c.id, c.score from generate_series(0, 15) g(pos)
      cross join lateral (select w.product_id as id, 2999 - w.pos as score from "product_words" w
        where w.pos = g.pos and w.word >= $1 and w.word < $2 order by w.word, w.product_id limit 50) c`;

/**
 * SearchRepository.ranked for the search box (window 50), a word under 4 letters (no typos).
 * $1,$2 the word range, then rankTail's six.
 */
export const RANKED_PREFIX = `with cand as (${prefixArms} limit 50), ${rankTail(3)}`;

/**
 * The same from 4 letters: typos when no word starts with the query, in the same statement.
 * $1,$2 the word range, $3,$4 the word, then rankTail's six.
 */
export const RANKED = `with pre as (${prefixArms} limit 50),
      words as (select s.word, s.sim from (select d.word, similarity(d.word, $3) as sim
              from "search_words" d where not exists (select 1 from pre) and d.word % $4
              order by sim desc, d.word offset 0) s
            where exists (select 1 from generate_series(0, 15) g(pos) join "product_words" w on w.pos = g.pos and w.word = s.word)
            order by s.sim desc, s.word limit 5),
      cand as (select * from pre union all (select c.* from words t cross join lateral (select c.id, c.score from generate_series(0, 15) g(pos)
      cross join lateral (select w.product_id as id, 1000 + round(t.sim * 999)::int as score from "product_words" w
        where w.pos = g.pos and w.word = t.word order by w.word, w.product_id limit 50) c) c limit 50)),
      ${rankTail(5)}`;

/** BranchesService.activeRecords (on a cache miss): the active branches, up to the in-memory limit + 1. $1 active, $2 limit */
export const ACTIVE_BRANCHES = `select "id", "name_en", "name_ar", "address", "lat", "lng", "phone", "time_zone", "delivery_radius_km", "opening_hours", "active", "created_at", "updated_at" from "branches" where "branches"."active" = $1 order by "branches"."id" asc limit $2`;

/** InventoryQueries.availability (inventory's sellableLot over the joined branch). $1,$2 point; $3 product; $4 cutoff; $5,$6 point; $7 limit */
export const AVAILABILITY = `select "stock_lots"."branch_id" as "branchId", "branches"."name_en" as "nameEn", "branches"."name_ar" as "nameAr", sum("stock_lots"."on_hand" - "stock_lots"."reserved")::int as "quantity", earth_distance(ll_to_earth("branches"."lat", "branches"."lng"), ll_to_earth($1::float8, $2::float8)) / 1000.0 as "distanceKm" from "stock_lots" inner join "branches" on "branches"."id" = "stock_lots"."branch_id" where "stock_lots"."product_id" = $3 and ("stock_lots"."expires_on" > $4::date and "stock_lots"."on_hand" > "stock_lots"."reserved" and "branches"."active") group by "stock_lots"."branch_id", "branches"."id" order by earth_distance(ll_to_earth("branches"."lat", "branches"."lng"), ll_to_earth($5::float8, $6::float8)) / 1000.0 asc, "stock_lots"."branch_id" asc limit $7`;
