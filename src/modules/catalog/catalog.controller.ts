import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Public } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { categoriesPage, categoriesQuery } from './catalog.dto.js';
import { CategoriesService } from './categories.service.js';

@ApiTags('catalog')
@Controller('v1')
export class CatalogController {
  // GET /v1/products/{id} is served with the product list by the search module (see SearchController).
  constructor(private readonly categories: CategoriesService) {}

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
}
