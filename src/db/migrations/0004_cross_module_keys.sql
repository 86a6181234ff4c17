-- Foreign keys between modules. Modules do not import each other's drizzle tables (ARCHITECTURE rule 1),
-- so the database-level links that protect stock and offers are declared here.
ALTER TABLE "stock_lots" ADD CONSTRAINT "stock_lots_branch_fk" FOREIGN KEY ("branch_id") REFERENCES "branches"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "stock_lots" ADD CONSTRAINT "stock_lots_product_fk" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_product_fk" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_category_fk" FOREIGN KEY ("category_id") REFERENCES "categories"("id") ON DELETE RESTRICT;
