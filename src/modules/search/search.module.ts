import { Module } from '@nestjs/common';
import { BranchesModule } from '../branches/index.js';
import { CatalogModule } from '../catalog/index.js';
import { InventoryModule } from '../inventory/index.js';
import { SearchController } from './search.controller.js';
import { SearchRepository } from './search.repository.js';
import { SearchService } from './search.service.js';

/** Read-side composition of catalog, inventory and branches: it owns no table (the word index is the catalog's). */
@Module({
  imports: [BranchesModule, CatalogModule, InventoryModule],
  controllers: [SearchController],
  providers: [SearchRepository, SearchService],
})
export class SearchModule {}
