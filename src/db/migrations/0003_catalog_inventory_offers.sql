CREATE TYPE "public"."stock_movement_type" AS ENUM('received', 'reserved', 'released', 'sold', 'returned', 'adjusted', 'transferred_out', 'transferred_in', 'expired');--> statement-breakpoint
CREATE TYPE "public"."stock_reservation_status" AS ENUM('active', 'released', 'committed');--> statement-breakpoint
CREATE TYPE "public"."offer_kind" AS ENUM('percentage', 'fixed');--> statement-breakpoint
CREATE TYPE "public"."offer_scope" AS ENUM('product', 'category', 'cart');--> statement-breakpoint
CREATE TABLE "categories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"parent_id" uuid,
	"name_en" text NOT NULL,
	"name_ar" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name_en" text NOT NULL,
	"name_ar" text NOT NULL,
	"ingredients" jsonb NOT NULL,
	"ingredients_key" text NOT NULL,
	"form" text NOT NULL,
	"pack_size" text NOT NULL,
	"manufacturer" text NOT NULL,
	"barcode" text NOT NULL,
	"category_id" uuid NOT NULL,
	"price_minor" integer NOT NULL,
	"rx_required" boolean DEFAULT false NOT NULL,
	"controlled" boolean DEFAULT false NOT NULL,
	"images" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"search_text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_price_nonneg" CHECK ("products"."price_minor" >= 0),
	CONSTRAINT "products_version_pos" CHECK ("products"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "branches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name_en" text NOT NULL,
	"name_ar" text NOT NULL,
	"address" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"phone" text NOT NULL,
	"time_zone" text NOT NULL,
	"delivery_radius_km" double precision NOT NULL,
	"opening_hours" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "branches_lat_range" CHECK ("branches"."lat" BETWEEN -90 AND 90),
	CONSTRAINT "branches_lng_range" CHECK ("branches"."lng" BETWEEN -180 AND 180),
	CONSTRAINT "branches_radius_nonneg" CHECK ("branches"."delivery_radius_km" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock_lots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"branch_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"lot_number" text NOT NULL,
	"expires_on" date NOT NULL,
	"on_hand" integer DEFAULT 0 NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_lots_balance" CHECK (0 <= "stock_lots"."reserved" AND "stock_lots"."reserved" <= "stock_lots"."on_hand")
);
--> statement-breakpoint
CREATE TABLE "stock_movements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lot_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"type" "stock_movement_type" NOT NULL,
	"on_hand_delta" integer NOT NULL,
	"reserved_delta" integer NOT NULL,
	"actor_id" uuid,
	"actor_type" text NOT NULL,
	"reason" text,
	"reference" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stock_reservations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ref" text NOT NULL,
	"lot_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"status" "stock_reservation_status" DEFAULT 'active' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_reservations_qty_pos" CHECK ("stock_reservations"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "offer_redemptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"offer_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name_en" text NOT NULL,
	"name_ar" text NOT NULL,
	"kind" "offer_kind" NOT NULL,
	"value" integer NOT NULL,
	"scope" "offer_scope" NOT NULL,
	"product_id" uuid,
	"category_id" uuid,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"min_cart_minor" integer DEFAULT 0 NOT NULL,
	"global_limit" integer,
	"per_customer_limit" integer,
	"used_count" integer DEFAULT 0 NOT NULL,
	"coupon_code" text,
	"applies_to_restricted" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "offers_window" CHECK ("offers"."starts_at" < "offers"."ends_at"),
	CONSTRAINT "offers_value" CHECK ("offers"."value" > 0 AND ("offers"."kind" <> 'percentage' OR "offers"."value" <= 100)),
	CONSTRAINT "offers_usage" CHECK ("offers"."used_count" >= 0 AND ("offers"."global_limit" IS NULL OR "offers"."used_count" <= "offers"."global_limit")),
	CONSTRAINT "offers_scope_target" CHECK (("offers"."scope" = 'product' AND "offers"."product_id" IS NOT NULL) OR ("offers"."scope" = 'category' AND "offers"."category_id" IS NOT NULL) OR "offers"."scope" = 'cart')
);
--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_parent_id_categories_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."categories"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_lot_id_stock_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."stock_lots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_lot_id_stock_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."stock_lots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_redemptions" ADD CONSTRAINT "offer_redemptions_offer_id_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."offers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "categories_parent_idx" ON "categories" USING btree ("parent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "products_barcode_key" ON "products" USING btree ("barcode");--> statement-breakpoint
CREATE INDEX "products_category_idx" ON "products" USING btree ("category_id","id");--> statement-breakpoint
CREATE INDEX "products_substitutes_idx" ON "products" USING btree ("ingredients_key","form");--> statement-breakpoint
CREATE INDEX "products_search_trgm_idx" ON "products" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "products_search_fts_idx" ON "products" USING gin (to_tsvector('simple', "search_text"));--> statement-breakpoint
CREATE INDEX "branches_earth_idx" ON "branches" USING gist (ll_to_earth("lat", "lng"));--> statement-breakpoint
CREATE UNIQUE INDEX "stock_lots_lot_key" ON "stock_lots" USING btree ("branch_id","product_id","lot_number");--> statement-breakpoint
CREATE INDEX "stock_lots_fefo_idx" ON "stock_lots" USING btree ("product_id","branch_id","expires_on");--> statement-breakpoint
CREATE INDEX "stock_lots_branch_expiry_idx" ON "stock_lots" USING btree ("branch_id","expires_on");--> statement-breakpoint
CREATE INDEX "stock_movements_product_idx" ON "stock_movements" USING btree ("product_id","id");--> statement-breakpoint
CREATE INDEX "stock_movements_lot_idx" ON "stock_movements" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "stock_reservations_ref_idx" ON "stock_reservations" USING btree ("ref");--> statement-breakpoint
CREATE INDEX "stock_reservations_expiry_idx" ON "stock_reservations" USING btree ("expires_at") WHERE "stock_reservations"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "offer_redemptions_ref_key" ON "offer_redemptions" USING btree ("offer_id","reference");--> statement-breakpoint
CREATE INDEX "offer_redemptions_customer_idx" ON "offer_redemptions" USING btree ("offer_id","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "offers_coupon_key" ON "offers" USING btree (lower("coupon_code")) WHERE "offers"."coupon_code" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "offers_window_idx" ON "offers" USING btree ("active","ends_at");