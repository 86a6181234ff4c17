import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Public } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { categoriesPage, categoriesQuery, idParam, productView } from './catalog.dto.js';
import { CategoriesService } from './categories.service.js';
import { ProductsService } from './products.service.js';

@ApiTags('catalog')
@Controller('v1')
export class CatalogController {
  constructor(
    private readonly categories: CategoriesService,
    private readonly products: ProductsService,
  ) {}

  @Public()
  @Get('categories')
  @Route({
    summary: 'The category tree, flat: parents before children (by depth), each with its parentId',
    auth: 'public',
    response: categoriesPage,
  })
  listCategories(@Query({ schema: categoriesQuery }) query: z.infer<typeof categoriesQuery>) {
    return this.categories.list(query);
  }

  @Public()
  @Get('products/:id')
  @Route({
    summary: 'One product (inactive products are not found)',
    auth: 'public',
    response: productView,
    errors: [404],
  })
  getProduct(@Param('id', { schema: idParam }) id: string) {
    return this.products.getPublic(id);
  }
}
