import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Public } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { ProductsService, productView } from '../catalog/index.js';
import {
  listProductsQuery,
  productIdParam,
  productsPage,
  searchQuery,
  searchResponse,
  substitutesPage,
  substitutesQuery,
} from './search.dto.js';
import { SearchService } from './search.service.js';

@ApiTags('catalog')
@Controller('v1')
/**
 * The catalog as customers read it: browse and search (ranked over search's word index, with stock),
 * one product, and its substitutes. Both product reads live here: the list composes catalog, inventory and
 * this module's word index, and catalog cannot depend on search (search depends on catalog), so the read
 * side is search's; catalog owns the product rows, their cache (ProductsService.getPublic) and the staff
 * routes that change them.
 */
export class SearchController {
  constructor(
    private readonly search: SearchService,
    private readonly products: ProductsService,
  ) {}

  @Public()
  @Get('products')
  @Route({
    summary: 'Browse or search the catalog',
    description:
      'Without `q`: active products in id order. With `q` (English or Arabic, brand or generic name; word ' +
      'prefixes and typos match): ranked by relevance, then in stock; at most 200 matches (the first the index finds) are ranked and ' +
      'paged: a broader query needs refining. Ranked results are cached briefly (SEARCH_CACHE_TTL_SECONDS, 30 s by default). `categoryId` includes its subcategories; `rx` filters prescription-only; `inStockAt` keeps ' +
      'products with sellable stock at that branch.',
    auth: 'public',
    response: productsPage,
  })
  listProducts(@Query({ schema: listProductsQuery }) query: z.infer<typeof listProductsQuery>) {
    return this.search.listProducts(query);
  }

  @Public()
  @Get('products/:id')
  @Route({
    summary: 'One product (inactive products are not found)',
    auth: 'public',
    response: productView,
    errors: [404],
  })
  getProduct(@Param('id', { schema: productIdParam }) id: string) {
    return this.products.getPublic(id);
  }

  @Public()
  @Get('search')
  @Route({
    summary: 'Search everything at once: products, doctors, specialties, branches (up to 10 of each)',
    auth: 'public',
    response: searchResponse,
  })
  searchAll(@Query({ schema: searchQuery }) query: z.infer<typeof searchQuery>) {
    return this.search.search(query.q);
  }

  @Public()
  @Get('products/:id/substitutes')
  @Route({
    operationId: 'listSubstitutes',
    summary: 'Generic substitutes: same ingredients, strengths and form; cheapest first, with stock nearby',
    auth: 'public',
    response: substitutesPage,
    errors: [404],
  })
  substitutes(
    @Param('id', { schema: productIdParam }) id: string,
    @Query({ schema: substitutesQuery }) query: z.infer<typeof substitutesQuery>,
  ) {
    return this.search.substitutes(id, query);
  }
}
