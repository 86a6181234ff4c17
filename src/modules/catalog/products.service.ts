import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CacheService } from '../../kernel/cache/index.js';
import { AppError } from '../../kernel/errors/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { UUID_RE } from '../../kernel/ids.js';
import { AuditService } from '../audit/index.js';
import { FilesService } from '../files/index.js';
import type { CreateProductBody, ProductView, UpdateProductBody } from './catalog.dto.js';
import { dbRefusal } from '../../db/refusal.js';
import { CatalogRepository, type PricingRow, type ProductPatch, type ProductRow } from './catalog.repository.js';
import { controlledWithoutRx } from './catalog.rules.js';
import { ingredientsKeyOf, searchTextOf } from './catalog.text.js';

/** A product as cart pricing reads it (`categoryPath`: the categories above its own). */
export type PricingProduct = PricingRow;

export const productKey = (id: string) => `catalog:product:${id}`;
const PRODUCT_TTL_SECONDS = 300;
// A write that meets a concurrent one re-reads and retries this many times before answering 409.
const WRITE_ATTEMPTS = 3;

/** An unknown or inactive product, as every module answers it (a cart line, an order line). */
export const productNotFound = () => AppError.notFound('catalog/product-not-found', 'The product was not found');
const notFound = productNotFound;
const barcodeTaken = () => AppError.conflict('catalog/barcode-taken', 'Another product has this barcode');
const versionConflict = () =>
  AppError.conflict('catalog/version-conflict', 'The product was changed by someone else; reload it and retry');
const fieldProblem = (code: string, field: string, message: string) =>
  new AppError('validation', code, message, { errors: [{ field, code: 'invalid_value', message }] });
const categoryNotFound = () => fieldProblem('catalog/category-not-found', 'categoryId', 'The category does not exist');
const controlledNeedsRx = () =>
  fieldProblem('catalog/controlled-needs-rx', 'rxRequired', 'A controlled product must also require a prescription');

export function toProductView(p: ProductRow): ProductView {
  return {
    id: p.id,
    nameEn: p.nameEn,
    nameAr: p.nameAr,
    ingredients: p.ingredients,
    form: p.form,
    packSize: p.packSize,
    manufacturer: p.manufacturer,
    barcode: p.barcode,
    categoryId: p.categoryId,
    priceMinor: p.priceMinor,
    rxRequired: p.rxRequired,
    controlled: p.controlled,
    images: p.images,
    active: p.active,
    version: p.version,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

@Injectable()
export class ProductsService {
  constructor(
    private readonly repo: CatalogRepository,
    private readonly cache: CacheService,
    private readonly audit: AuditService,
    private readonly files: FilesService,
  ) {}

  /** The public product page: cached on every node; an inactive product is as absent as a missing one. */
  async getPublic(id: string): Promise<ProductView> {
    const product = await this.cache.getOrLoad(productKey(id), PRODUCT_TTL_SECONDS, async () => {
      const row = await this.repo.findProduct(id);
      return row ? toProductView(row) : undefined;
    });
    if (!product?.active) throw notFound();
    return product;
  }

  /**
   * The products a cart names, as pricing needs them (cart module): the current price and flags straight
   * from the table, never from the cache (a checkout must price with what is stored, in its transaction
   * when given), inactive products included with `active: false`. Unknown ids are left out.
   */
  forPricing(ids: readonly string[], tx?: DbOrTx): Promise<PricingProduct[]> {
    return this.repo.pricingRows([...new Set(ids)], tx);
  }

  /**
   * For prescriptions: the active products with these ingredients (ingredientsKeyOf) and form, cheapest
   * first, priced as forPricing answers them (in the caller's transaction when given).
   */
  async equivalents(ingredientsKey: string, form: string, tx?: DbOrTx): Promise<PricingProduct[]> {
    const ids = await this.repo.equivalentIds(ingredientsKey, form, 50, tx);
    const rows = await this.repo.pricingRows(
      ids.map((r) => r.id),
      tx,
    );
    const order = new Map(ids.map((r, i) => [r.id, i]));
    return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }

  async create(actor: UserActor, body: CreateProductBody, meta: RequestMeta): Promise<ProductView> {
    if (controlledWithoutRx(body.rxRequired, body.controlled)) throw controlledNeedsRx();
    await this.checkImages(actor, body.images, meta);
    const created = await this.repo
      .transaction(async (tx) => {
        if (!(await this.repo.findCategory(body.categoryId, tx))) throw categoryNotFound();
        const row = await this.repo.insertProduct(
          { ...body, ingredientsKey: ingredientsKeyOf(body.ingredients), searchText: searchTextOf(body) },
          tx,
        );
        if (!row) throw barcodeTaken();
        await this.audit.record(
          {
            actor,
            action: 'catalog.product_created',
            subjectType: 'product',
            subjectId: row.id,
            meta,
            details: { barcode: row.barcode, priceMinor: row.priceMinor },
          },
          tx,
        );
        return row;
      })
      .catch((err: unknown) => this.refusal(err));
    await this.cache.del(productKey(created.id));
    return toProductView(created);
  }

  /**
   * Applies a partial update on top of the current row and bumps its version, only if the row is still the
   * one read (so derived columns, searchText and ingredientsKey, always match the names and ingredients
   * they come from). A given `version` that is not the current one answers 409.
   */
  async update(actor: UserActor, id: string, body: UpdateProductBody, meta: RequestMeta): Promise<ProductView> {
    const { version: expected, ...changes } = body;
    if (changes.images) await this.checkImages(actor, changes.images, meta);
    for (let attempt = 1; ; attempt++) {
      const current = await this.repo.findProduct(id);
      if (!current) throw notFound();
      if (expected !== undefined && expected !== current.version) throw versionConflict();
      const next = { ...current, ...changes };
      if (controlledWithoutRx(next.rxRequired, next.controlled)) throw controlledNeedsRx();
      const patch: ProductPatch = { ...changes };
      if (changes.ingredients) patch.ingredientsKey = ingredientsKeyOf(next.ingredients);
      if (changes.nameEn || changes.nameAr || changes.ingredients || changes.manufacturer)
        patch.searchText = searchTextOf(next);
      const updated = await this.repo
        .transaction(async (tx) => {
          if (changes.categoryId && !(await this.repo.findCategory(changes.categoryId, tx))) throw categoryNotFound();
          const row = await this.repo.updateProduct(id, current.version, patch, tx);
          if (row)
            await this.audit.record(
              {
                actor,
                action: changes.active === false ? 'catalog.product_deactivated' : 'catalog.product_updated',
                subjectType: 'product',
                subjectId: id,
                meta,
                details: {
                  fields: Object.keys(changes),
                  version: row.version,
                  ...(changes.priceMinor !== undefined && {
                    priceBefore: current.priceMinor,
                    priceAfter: row.priceMinor,
                  }),
                },
              },
              tx,
            );
          return row;
        })
        .catch((err: unknown) => this.refusal(err));
      if (updated) {
        await this.cache.del(productKey(id));
        return toProductView(updated);
      }
      // Someone else wrote in between: with a version from the client that is a conflict, otherwise re-read.
      if (expected !== undefined || attempt >= WRITE_ATTEMPTS) throw versionConflict();
    }
  }

  /** Soft delete: the product leaves the public catalog but stays for orders and prescriptions that name it. */
  async deactivate(actor: UserActor, id: string, meta: RequestMeta): Promise<ProductView> {
    const current = await this.repo.findProduct(id);
    if (!current) throw notFound();
    if (!current.active) return toProductView(current);
    return this.update(actor, id, { active: false }, meta);
  }

  /** File ids must be files the same staff member uploaded (the files module answers 404 otherwise). */
  private async checkImages(actor: UserActor, images: readonly string[], meta: RequestMeta): Promise<void> {
    for (const [i, image] of images.entries()) {
      if (!UUID_RE.test(image)) continue;
      try {
        await this.files.get(actor, image, meta);
      } catch (err) {
        if (err instanceof AppError && err.kind === 'not_found')
          throw new AppError('validation', 'catalog/image-not-found', 'An image file id does not name your upload', {
            errors: [{ field: `images.${i}`, code: 'not_found', message: 'does not name a file you uploaded' }],
          });
        throw err;
      }
    }
  }

  /** The database's last word on races the checks above cannot close (a barcode taken meanwhile). */
  private refusal(err: unknown): never {
    const refused = dbRefusal(err);
    if (refused?.code === '23505' && refused.constraint === 'products_barcode_key') throw barcodeTaken();
    if (refused?.code === '23503' && refused.constraint === 'products_category_id_categories_id_fk')
      throw categoryNotFound();
    throw err;
  }
}
