import { Module } from '@nestjs/common';
import { FilesModule } from '../files/index.js';
import { CatalogAdminController } from './catalog.admin.controller.js';
import { CatalogController } from './catalog.controller.js';
import { CatalogRepository } from './catalog.repository.js';
import { CategoriesService } from './categories.service.js';
import { ProductImportService } from './product-import.service.js';
import { ProductsService } from './products.service.js';

@Module({
  imports: [FilesModule],
  controllers: [CatalogController, CatalogAdminController],
  providers: [CatalogRepository, CategoriesService, ProductsService, ProductImportService],
  exports: [ProductsService],
})
export class CatalogModule {}
