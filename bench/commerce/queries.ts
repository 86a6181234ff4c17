/**
 * The SQL our API runs for checkout (POST /v1/orders) and cart pricing (GET /v1/cart), copied verbatim from
 * what the built application sends (captured from the pg driver, bench/lib/sql-check.ts) as drizzle renders
 * it from the repositories of identity (session state), http (idempotency keys), branches, cart, catalog
 * (pricing products), inventory (sellable stock, FEFO reservation), offers, loyalty, orders, payments
 * (ledger) and events (outbox). Lists and multi-row inserts are functions of their length. `npm run bench`
 * compares the statements the baseline sends with ours (column "same SQL"): when a repository changes, copy
 * the statement again from the capture it prints.
 */

/** `$from, …, $(from + n − 1)`: drizzle's rendering of an `in (…)` list. */
const params = (from: number, n: number) => Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
/** `(…), (…)`: drizzle's multi-row VALUES, `width` parameters a row. */
const rows = (n: number, width: number, row: (p: (k: number) => string) => string) =>
  Array.from({ length: n }, (_, i) => `(${row((k) => `$${i * width + k}`)})`).join(', ');

export const SESSION_STATE = `select "users"."id", "users"."type", "users"."status", "users"."session_version", "sessions"."revoked_at", coalesce(( select json_agg(json_build_object('role', r.role, 'branchId', r.branch_id) order by r.role) from "role_assignments" r where r.user_id = "users"."id"), '[]'::json) from "sessions" inner join "users" on "users"."id" = "sessions"."user_id" where "sessions"."id" = $1`;

export const BRANCH_BY_ID = `select "id", "name_en", "name_ar", "address", "lat", "lng", "phone", "time_zone", "delivery_radius_km", "opening_hours", "active", "created_at", "updated_at" from "branches" where "branches"."id" = $1`;

export const CART_ITEMS = `select "carts"."coupon_code", "carts"."updated_at", "cart_items"."product_id", "cart_items"."quantity", "cart_items"."added_at", "cart_items"."rx_line_id" from "carts" left join "cart_items" on "cart_items"."customer_id" = "carts"."customer_id" where "carts"."customer_id" = $1 order by "cart_items"."added_at" asc, "cart_items"."product_id" asc`;

export const pricingProducts = (n: number) =>
  `with recursive p as ( select id, name_en, name_ar, images ->> 0 as image, price_minor, rx_required, controlled, active, category_id from "products" where id in (${params(1, n)}) ), up(product_id, id, parent_id, n) as ( select p.id, c.id, c.parent_id, 0 from p join "categories" c on c.id = p.category_id union all select up.product_id, c.id, c.parent_id, up.n + 1 from "categories" c join up on c.id = up.parent_id where up.n < 1000 ) select p.id, p.name_en as "nameEn", p.name_ar as "nameAr", p.image, p.price_minor as "priceMinor", p.rx_required as "rxRequired", p.controlled, p.active, p.category_id as "categoryId", coalesce((select array_agg(up.id::text) from up where up.product_id = p.id and up.n > 0), '{}') as "categoryPath" from p`;

export const sellableAt = (n: number) =>
  `select "product_id", sum("on_hand" - "reserved")::int from "stock_lots" where ("stock_lots"."branch_id" = $1 and "stock_lots"."product_id" in (${params(2, n)}) and ("stock_lots"."expires_on" > $${n + 2}::date and "stock_lots"."on_hand" > "stock_lots"."reserved" and (select b.active from "branches" b where b.id = "stock_lots"."branch_id"))) group by "stock_lots"."product_id"`;

export const offers = (products: number, categories: number) =>
  `select "id", "name_en", "name_ar", "kind", "value", "scope", "product_id", "category_id", "starts_at", "ends_at", "min_cart_minor", "global_limit", "per_customer_limit", "used_count", "coupon_code", "applies_to_restricted", "active", "created_at", "updated_at" from "offers" where (("offers"."active" = $1 and "offers"."starts_at" <= $2 and "offers"."ends_at" > $3) and "offers"."coupon_code" is null and ("offers"."scope" = $4 or "offers"."product_id" in (${params(5, products)}) or "offers"."category_id" in (${params(5 + products, categories)})))`;

export const POINTS_SPENDABLE = `select coalesce(sum("remaining"), 0) from "loyalty_lots" where ("loyalty_lots"."customer_id" = $1 and "loyalty_lots"."remaining" > $2 and "loyalty_lots"."expires_at" > $3)`;

export const IDEMPOTENCY_CLAIM = `insert into "idempotency_keys" ("scope", "key", "request_hash", "status_code", "response_body", "claim_id", "claimed_at", "created_at", "completed_at") values ($1, $2, $3, default, default, $4, $5, $6, default) on conflict ("scope","key") do update set "request_hash" = $7, "status_code" = $8, "response_body" = $9, "claim_id" = $10, "claimed_at" = $11, "created_at" = $12, "completed_at" = $13 where ("idempotency_keys"."created_at" < $14 or ("idempotency_keys"."completed_at" is null and "idempotency_keys"."claimed_at" < $15)) returning "claim_id"`;

export const CART_TOUCH = `update "carts" set "updated_at" = $1 where "carts"."customer_id" = $2 returning "customer_id"`;

export const BRANCH_HELD = `select "id", "name_en", "name_ar", "address", "lat", "lng", "phone", "time_zone", "delivery_radius_km", "opening_hours", "active", "created_at", "updated_at" from "branches" where "branches"."id" = $1 for share`;

export const RESERVATION_LOCK = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`;

export const RESERVATIONS_OF = `select "stock_reservations"."id", "stock_reservations"."lot_id", "stock_reservations"."quantity", "stock_reservations"."status", "stock_reservations"."expires_at", "stock_lots"."branch_id", "stock_lots"."product_id", "stock_lots"."lot_number", "stock_lots"."expires_on" from "stock_reservations" inner join "stock_lots" on "stock_lots"."id" = "stock_reservations"."lot_id" where "stock_reservations"."ref" = $1 order by "stock_lots"."product_id" asc, "stock_lots"."expires_on" asc, "stock_lots"."id" asc`;

export const LOTS_FEFO = `select "id", "branch_id", "product_id", "lot_number", "expires_on", "on_hand", "reserved", "created_at", "updated_at" from "stock_lots" where ("stock_lots"."product_id" = $1 and "stock_lots"."branch_id" = $2 and ("stock_lots"."expires_on" > $3::date and "stock_lots"."on_hand" > "stock_lots"."reserved" and (select b.active from "branches" b where b.id = "stock_lots"."branch_id"))) order by "stock_lots"."product_id" asc, "stock_lots"."expires_on" asc, "stock_lots"."id" asc for update`;

export const LOT_MOVE = `update "stock_lots" set "on_hand" = "stock_lots"."on_hand" + $1::int, "reserved" = "stock_lots"."reserved" + $2::int, "updated_at" = $3 where ("stock_lots"."id" = $4 and "stock_lots"."reserved"::bigint + $5 >= 0 and "stock_lots"."on_hand"::bigint + $6 >= "stock_lots"."reserved"::bigint + $7 and "stock_lots"."on_hand"::bigint + $8 <= $9) returning "id", "branch_id", "product_id", "lot_number", "expires_on", "on_hand", "reserved", "created_at", "updated_at"`;

/** Every lot's movement of a reservation in one insert. */
export const movementsInsert = (n: number) =>
  `insert into "stock_movements" ("id", "lot_id", "branch_id", "product_id", "type", "on_hand_delta", "reserved_delta", "actor_id", "actor_type", "reason", "reference", "created_at") values ${rows(n, 10, (p) => `${[1, 2, 3, 4, 5, 6, 7, 8, 9].map(p).join(', ')}, default, ${p(10)}, default`)}`;

export const reservationsInsert = (n: number) =>
  `insert into "stock_reservations" ("id", "ref", "line", "lot_id", "quantity", "status", "expires_at", "created_at") values ${rows(n, 6, (p) => `${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, default, ${p(6)}, default`)} on conflict ("ref","line") do nothing returning "id"`;

export const ORDER_INSERT = `insert into "orders" ("id", "customer_id", "branch_id", "status", "fulfilment", "payment_method", "address", "subtotal_minor", "discount_minor", "delivery_fee_minor", "points_redeemed", "points_value_minor", "total_minor", "currency", "reservation_ref", "refunded_minor", "placed_at", "created_at", "updated_at", "version") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, default, default, default, default, default) returning "id", "customer_id", "branch_id", "status", "fulfilment", "payment_method", "address", "subtotal_minor", "discount_minor", "delivery_fee_minor", "points_redeemed", "points_value_minor", "total_minor", "currency", "reservation_ref", "refunded_minor", "placed_at", "created_at", "updated_at", "version"`;

export const orderLinesInsert = (n: number) =>
  `insert into "order_lines" ("order_id", "line_no", "product_id", "quantity", "unit_price_minor", "discount_minor", "name_en", "name_ar", "rx_required", "prescription_id", "verification", "verified_by", "verified_at", "verification_note") values ${rows(n, 10, (p) => `${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(p).join(', ')}, default, default, default, default`)} returning "order_id", "line_no", "product_id", "quantity", "unit_price_minor", "discount_minor", "name_en", "name_ar", "rx_required", "prescription_id", "verification", "verified_by", "verified_at", "verification_note"`;

export const ORDER_TRANSITION_INSERT = `insert into "order_transitions" ("id", "order_id", "from_status", "to_status", "actor_id", "reason", "at") values ($1, $2, $3, $4, $5, default, default)`;

export const accountsByCode = (n: number) =>
  `select "id", "code", "kind", "owner_id", "currency", "normal_side", "may_go_negative", ("ledger_accounts"."balance_minor" + coalesce((select sum(s."balance_minor") from "ledger_balance_shards" s where s."account_id" = "ledger_accounts"."id"), 0))::bigint, "created_at" from "ledger_accounts" where "ledger_accounts"."code" in (${params(1, n)})`;

export const accountsLock = (n: number) =>
  `select "id", "code", "kind", "owner_id", "currency", "normal_side", "may_go_negative", "balance_minor", "created_at" from "ledger_accounts" where "ledger_accounts"."id" in (${params(1, n)}) order by "ledger_accounts"."id" asc for update`;

export const ENTRY_BY_KEY = `select "id", "key", "kind", "ref_type", "ref_id", "memo", "created_by", "created_at" from "journal_entries" where "journal_entries"."key" = $1`;

export const ENTRY_INSERT = `insert into "journal_entries" ("id", "key", "kind", "ref_type", "ref_id", "memo", "created_by", "created_at") values ($1, $2, $3, $4, $5, $6, $7, default) on conflict ("key") do nothing returning "id", "key", "kind", "ref_type", "ref_id", "memo", "created_by", "created_at"`;

export const postingsInsert = (n: number) =>
  `insert into "postings" ("id", "entry_id", "account_id", "currency", "amount_minor", "created_at") values ${rows(n, 5, (p) => `${[1, 2, 3, 4, 5].map(p).join(', ')}, default`)} returning "id", "entry_id", "account_id", "currency", "amount_minor", "created_at"`;

export const BALANCE_APPLY = `update "ledger_accounts" set "balance_minor" = "ledger_accounts"."balance_minor" + $1::bigint where ("ledger_accounts"."id" = $2 and ("ledger_accounts"."may_go_negative" OR "ledger_accounts"."balance_minor" + $3::bigint >= 0)) returning "balance_minor"`;

/** A house account's balance shard (migration 0016): revenue takes each order's capture on a random one. */
export const SHARD_ADD = `insert into "ledger_balance_shards" ("account_id", "shard", "balance_minor") values ($1, $2, $3) on conflict ("account_id","shard") do update set "balance_minor" = "ledger_balance_shards"."balance_minor" + excluded.balance_minor`;

export const OUTBOX_INSERT = `insert into "outbox" ("id", "topic", "payload", "created_at", "published_at", "attempts", "last_error") values ($1, $2, $3, default, default, default, default)`;

/** The cart's lines and coupon gone in one statement (cart's empty). */
export const CART_EMPTY = `with gone as (delete from "cart_items" where "cart_items"."customer_id" = $1) update "carts" set coupon_code = null where "carts"."customer_id" = $2`;

export const IDEMPOTENCY_COMPLETE = `update "idempotency_keys" set "status_code" = $1, "response_body" = $2, "completed_at" = $3 where ("idempotency_keys"."scope" = $4 and "idempotency_keys"."key" = $5 and "idempotency_keys"."claim_id" = $6)`;

/** Every product's sellable lots at the branch, locked at once (inventory's lockSellableLotsOf). */
export const lotsFefoOf = (n: number) =>
  `select "id", "branch_id", "product_id", "lot_number", "expires_on", "on_hand", "reserved", "created_at", "updated_at" from "stock_lots" where ("stock_lots"."product_id" in (${params(1, n)}) and "stock_lots"."branch_id" = $${n + 1} and ("stock_lots"."expires_on" > $${n + 2}::date and "stock_lots"."on_hand" > "stock_lots"."reserved" and (select b.active from "branches" b where b.id = "stock_lots"."branch_id"))) order by "stock_lots"."product_id" asc, "stock_lots"."expires_on" asc, "stock_lots"."id" asc for update`;

/** The lots moved, their movements and the reservation rows in one statement (inventory's reserveLots). */
export const RESERVE_LOTS = `with v as ( select * from jsonb_to_recordset($1::jsonb) as v(lot uuid, product uuid, q int, line int, mid uuid, rid uuid) ), moved as ( update "stock_lots" s set reserved = s.reserved + v.q, updated_at = $2::timestamptz from v where s.id = v.lot and s.on_hand::bigint >= s.reserved::bigint + v.q returning s.id ), mv as ( insert into "stock_movements" (id, lot_id, branch_id, product_id, type, on_hand_delta, reserved_delta, actor_id, actor_type, reference) select v.mid, v.lot, $3, v.product, 'reserved'::stock_movement_type, 0, v.q, $4::uuid, $5, $6 from v ), rs as ( insert into "stock_reservations" (id, ref, line, lot_id, quantity, expires_at) select v.rid, $7, v.line, v.lot, v.q, $8::timestamptz from v on conflict (ref, line) do nothing returning id ) select (select count(*) from moved)::int as moved, (select count(*) from rs)::int as reserved`;

/** The order, its lines, its uploads and its first history row in one statement (orders' insert). */
export const ORDER_WRITE = `with o as (insert into "orders" select * from jsonb_populate_recordset(null::orders, $1::jsonb)), l as (insert into "order_lines" select * from jsonb_populate_recordset(null::order_lines, $2::jsonb)), p as (insert into "order_prescriptions" select * from jsonb_populate_recordset(null::order_prescriptions, $3::jsonb)), h as (insert into "order_transitions" select * from jsonb_populate_recordset(null::order_transitions, $4::jsonb)) select 1`;

/** The held accounts of a posting locked by code (payments' lockAccountsByCode). */
export const accountsLockByCode = (n: number) =>
  `select "id", "code", "kind", "owner_id", "currency", "normal_side", "may_go_negative", "balance_minor", "created_at" from "ledger_accounts" where "ledger_accounts"."code" in (${params(1, n)}) order by "ledger_accounts"."id" asc for update`;

/** The entry, its postings, the held balances and the house shards in one statement (payments' writeEntry). */
export const LEDGER_WRITE = `with e as ( insert into "journal_entries" select * from jsonb_populate_recordset(null::journal_entries, $1::jsonb) on conflict (key) do nothing returning id ), p as ( insert into "postings" select r.* from jsonb_populate_recordset(null::postings, $2::jsonb) r where exists (select 1 from e) ), b as ( update "ledger_accounts" a set balance_minor = a.balance_minor + v.delta from jsonb_to_recordset($3::jsonb) as v(id uuid, delta bigint) where a.id = v.id and exists (select 1 from e) and (a.may_go_negative or a.balance_minor + v.delta >= 0) returning a.id ), s as ( insert into "ledger_balance_shards" (account_id, shard, balance_minor) select v.id, v.shard, v.delta from jsonb_to_recordset($4::jsonb) as v(id uuid, shard int, delta bigint) where exists (select 1 from e) on conflict (account_id, shard) do update set balance_minor = "ledger_balance_shards".balance_minor + excluded.balance_minor ) select (select count(*) from e)::int as inserted, (select count(*) from b)::int as applied`;
