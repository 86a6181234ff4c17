import { Module } from '@nestjs/common';
import { BranchesModule } from '../branches/index.js';
import { CatalogModule } from '../catalog/index.js';
import { InventoryModule } from '../inventory/index.js';
import { SearchController } from './search.controller.js';
import { SearchRepository } from './search.repository.js';
import { SearchService } from './search.service.js';

/**
 * The catalog as customers read it (list, search, one product, substitutes): read-side composition of
 * catalog, inventory and branches over its own word index (search.tables.ts, kept by triggers on products).
 */
@Module({
  imports: [BranchesModule, CatalogModule, InventoryModule],
  controllers: [SearchController],
  providers: [SearchRepository, SearchService],
})
export class SearchModule {}
