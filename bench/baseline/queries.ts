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

/** SearchRepository.inStock(cutoff) over `productId`; $cutoff the sellable cutoff date. */
const inStock = (productId: string, cutoff: string) => `exists (select 1 from "stock_lots" l
      where l.product_id = ${productId} and l.expires_on > ${cutoff}::date and l.on_hand > l.reserved
      
      and (select b.active from "branches" b where b.id = l.branch_id))`;

/** SearchRepository.browse without filters. $1 cutoff, $2 limit; with `after`: $2 after id, $3 limit */
export const browse = (after: boolean) => `select ${COLUMNS}, ${inStock('p.id', '$1')} as "inStock"
      from (select * from "products" p where p.active
            ${after ? 'and p.id > $2::uuid' : ''}
            order by p.id limit ${after ? '$3' : '$2'}) p
      order by p.id`;

/**
 * SearchRepository.ranked for the first page, no filters. $1 tsquery, $2 typo text (when typo), then cutoff,
 * first token, text, limit.
 */
export const ranked = (typo: boolean) => {
  const n = typo ? 1 : 0;
  const typoSql = typo
    ? `union all (select p.id, p.search_text, false from "products" p
          where not exists (select 1 from fts) and $2 <% p.search_text and p.active
          limit 200)`
    : '';
  return `with fts as (select p.id, p.search_text from "products" p where to_tsvector('simple', p.search_text) @@ to_tsquery('simple', $1) and p.active limit 200),
      cand(id, search_text, exact) as (select id, search_text, true from fts ${typoSql}),
      ranked as (
        select c.id, ${inStock('c.id', `$${2 + n}`)} as "inStock",
          case when c.exact then 2999 - least(greatest(strpos(c.search_text, $${3 + n}) - 1, 0), 999)
               else 1000 + round(word_similarity($${4 + n}, c.search_text) * 999)::int end as score
        from cand c),
      page as (select * from ranked r  order by r.score desc, r."inStock" desc, r.id limit $${5 + n})
      select ${COLUMNS}, page."inStock", page.score from page join "products" p on p.id = page.id
      order by page.score desc, page."inStock" desc, page.id`;
};

/** SearchRepository.branchesMatching, one `like` per word. $1..$n words, then limit */
export const branchesMatching = (
  words: number,
) => `select b.id, b.name_en as "nameEn", b.name_ar as "nameAr", b.address from "branches" b
      where b.active and ${Array.from(
        { length: words },
        (_, i) => `translate(regexp_replace(lower(b.name_en || ' ' || b.name_ar || ' ' || b.address),
      '[\u064B-\u065F\u0670\u0640]', '', 'g'), 'أإآٱىةؤئ', 'اااايهوي') like $${i + 1}`,
      ).join(' and ')} order by b.name_en, b.id limit $${words + 1}`;

/** BranchesRepository.nearest, first page. $1,$2 $3,$4 point; $5 active; $6,$7 point; $8 limit */
export const NEAREST_BRANCHES = `select "id", "name_en", "name_ar", "address", "lat", "lng", "phone", "time_zone", "delivery_radius_km", "opening_hours", "active", "created_at", "updated_at", (ll_to_earth("lat", "lng") <-> ll_to_earth($1::float8, $2::float8)), (earth_distance(ll_to_earth("lat", "lng"), ll_to_earth($3::float8, $4::float8)) / 1000.0) from "branches" where "branches"."active" = $5 order by (ll_to_earth("branches"."lat", "branches"."lng") <-> ll_to_earth($6::float8, $7::float8)) limit $8`;

/** InventoryQueries.availability. $1,$2 point; $3 active; $4 product; $5 cutoff; $6,$7 point; $8 limit */
export const AVAILABILITY = `select "stock_lots"."branch_id", "branches"."name_en", "branches"."name_ar", sum("stock_lots"."on_hand" - "stock_lots"."reserved")::int, earth_distance(ll_to_earth("branches"."lat", "branches"."lng"), ll_to_earth($1::float8, $2::float8)) / 1000.0 from "stock_lots" inner join "branches" on ("branches"."id" = "stock_lots"."branch_id" and "branches"."active" = $3) where ("stock_lots"."product_id" = $4 and "stock_lots"."expires_on" > $5 and "stock_lots"."on_hand" > "stock_lots"."reserved") group by "stock_lots"."branch_id", "branches"."id" order by earth_distance(ll_to_earth("branches"."lat", "branches"."lng"), ll_to_earth($6::float8, $7::float8)) / 1000.0 asc, "stock_lots"."branch_id" asc limit $8`;
