-- Issue 16, part 2: the server-side cart (module cart). A cart holds what the customer chose and how many;
-- prices, offers, stock and fees are computed from the catalog, offers and inventory each time it is priced
-- (CartPricingService), so nothing here can go stale. One cart per customer (the primary key), one line per
-- product (the composite primary key: concurrent writes of one product meet on it and the last one wins).
CREATE TABLE "carts" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"coupon_code" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "carts_coupon_code" CHECK ("carts"."coupon_code" IS NULL OR "carts"."coupon_code" ~ '^[A-Z0-9_-]{3,32}$')
);
--> statement-breakpoint
-- The quantity ceiling (1000) is the database's; CART_MAX_QUANTITY (config, at most 1000) is the limit in force.
CREATE TABLE "cart_items" (
	"customer_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cart_items_pkey" PRIMARY KEY("customer_id","product_id"),
	CONSTRAINT "cart_items_quantity" CHECK ("cart_items"."quantity" BETWEEN 1 AND 1000)
);
--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_cart_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."carts"("customer_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cart_items_product_idx" ON "cart_items" USING btree ("product_id");--> statement-breakpoint
-- Links to other modules (declared here, not in drizzle tables: modules do not import each other's tables, see
-- 0004 and 0009). A cart is no record anyone must keep: unlike money and stock rows it never blocks removing
-- the account or the product it names, it goes with them.
ALTER TABLE "carts" ADD CONSTRAINT "carts_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_product_fk" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE;
