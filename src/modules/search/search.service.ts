import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CONFIG, type Config } from '../../config/index.js';
import { CacheService } from '../../kernel/cache/index.js';
import { BranchesService } from '../branches/index.js';
import { cursorField, cursorShape, decodeCursor, toPage, type Page } from '../../kernel/http/index.js';
import { ingredientsKeyOf, ProductsService } from '../catalog/index.js';
import { InventoryService } from '../inventory/index.js';
import type {
  ListProductsQuery,
  ProductSummary,
  SearchResponse,
  SubstitutesQuery,
  SubstituteView,
} from './search.dto.js';
import { SearchRepository, type ProductHitRow } from './search.repository.js';
import { branchesMatching, SEARCH_BOX_WINDOW, searchTerms } from './search.rules.js';

/** Section size of GET /v1/search. */
const SECTION_LIMIT = 10;
const cacheKey = (kind: string, parts: unknown[]) =>
  `search:${kind}:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 32)}`;
// Each order has its own cursor shape, so a cursor from one cannot be replayed against the other.
const browseCursor = cursorShape(cursorField.tag('b'), cursorField.id);
// Scores are small ints (search.repository.ts: 2999 - position, or 1000 + similarity); prices are int4 >= 0.
const rankedCursor = cursorShape(cursorField.tag('r'), cursorField.int(0, 2999), cursorField.flag, cursorField.id);
const substitutesCursor = cursorShape(cursorField.int(0), cursorField.id);

function summary(r: ProductHitRow): ProductSummary {
  return {
    id: r.id,
    nameEn: r.nameEn,
    nameAr: r.nameAr,
    ingredients: r.ingredients,
    form: r.form,
    packSize: r.packSize,
    manufacturer: r.manufacturer,
    categoryId: r.categoryId,
    priceMinor: r.priceMinor,
    rxRequired: r.rxRequired,
    controlled: r.controlled,
    image: r.image,
    inStock: r.inStock,
  };
}

@Injectable()
export class SearchService {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly repo: SearchRepository,
    private readonly inventory: InventoryService,
    private readonly products: ProductsService,
    private readonly cache: CacheService,
    private readonly branches: BranchesService,
  ) {}

  /** Without `q`: the catalog in id order. With `q`: matches ranked by relevance, then in stock. */
  async listProducts(query: ListProductsQuery): Promise<Page<ProductSummary>> {
    const filter = { categoryId: query.categoryId, rx: query.rx, inStockAt: query.inStockAt };
    const cutoff = this.inventory.cutoff();
    if (query.q === undefined) {
      const after = decodeCursor(query.cursor, browseCursor);
      const rows = await this.repo.browse(filter, cutoff, after?.[1], query.limit + 1);
      return toPage(rows, query.limit, (r) => ['b', r.id]);
    }
    const terms = searchTerms(query.q);
    const after = decodeCursor(query.cursor, rankedCursor);
    if (!terms) return { items: [], nextCursor: null };
    const key = () => cacheKey('products', [terms.text, filter, cutoff, query.cursor ?? null, query.limit]);
    return this.cached(key, async () => {
      const rows = await this.repo.ranked(
        terms,
        filter,
        cutoff,
        after && [after[1], after[2], after[3]],
        query.limit + 1,
      );
      return toPage(rows, query.limit, (r) => ['r', Number(r.score), r.inStock ? 1 : 0, r.id]);
    });
  }

  /** One box, typed sections. Doctors and specialties stay empty until the care module exists. */
  async search(q: string): Promise<SearchResponse> {
    const terms = searchTerms(q);
    if (!terms) return { products: [], doctors: [], specialties: [], branches: [] };
    const cutoff = this.inventory.cutoff();
    return this.cached(
      () => cacheKey('all', [terms.text, cutoff]),
      async () => {
        const [products, active] = await Promise.all([
          this.repo.ranked(terms, {}, cutoff, undefined, SECTION_LIMIT, { window: SEARCH_BOX_WINDOW }),
          this.branches.activeRecords(),
        ]);
        const branches = active
          ? branchesMatching(active, terms.tokens, SECTION_LIMIT).map((b) => ({
              id: b.id,
              nameEn: b.nameEn,
              nameAr: b.nameAr,
              address: b.address,
            }))
          : await this.repo.branchesMatching(terms, SECTION_LIMIT);
        return { products: products.map(summary), doctors: [], specialties: [], branches };
      },
    );
  }

  /**
   * Ranked searches are cached briefly (SEARCH_CACHE_TTL_SECONDS): a search costs about a millisecond of
   * database work at a million products, and people type the same things. Results may lag changes by the TTL.
   */
  private cached<T>(key: () => string, load: () => Promise<T>): Promise<T> {
    const ttl = this.config.cache.searchTtlSeconds;
    return ttl > 0 ? this.cache.getOrLoad(key(), ttl, load) : load();
  }

  /** Generic equivalents of an active product (same ingredients, strengths and form), cheapest first. */
  async substitutes(productId: string, query: SubstitutesQuery): Promise<Page<SubstituteView>> {
    const after = decodeCursor(query.cursor, substitutesCursor);
    const original = await this.products.getPublic(productId);
    const near = query.lat !== undefined && query.lng !== undefined ? { lat: query.lat, lng: query.lng } : undefined;
    const rows = await this.repo.substitutes(
      { id: original.id, ingredientsKey: ingredientsKeyOf(original.ingredients), form: original.form },
      this.inventory.cutoff(),
      near,
      after,
      query.limit + 1,
    );
    return toPage(
      rows,
      query.limit,
      (r) => [r.priceMinor, r.id],
      (r) => ({
        ...summary(r),
        priceDifferenceMinor: r.priceMinor - original.priceMinor,
        inStockNearby: near ? r.nearestKm !== null : null,
        nearestBranchKm: r.nearestKm === null ? null : Math.round(r.nearestKm * 100) / 100,
      }),
    );
  }
}
