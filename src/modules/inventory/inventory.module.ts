import { Module } from '@nestjs/common';
import { BranchesModule } from '../branches/index.js';
import { InventoryAdminController } from './inventory.admin.controller.js';
import { InventoryController } from './inventory.controller.js';
import { InventoryQueries } from './inventory-reports.repository.js';
import { InventoryJobs } from './inventory.jobs.js';
import { InventoryRepository } from './inventory.repository.js';
import { InventoryService } from './inventory.service.js';
import { StockReturnsService } from './stock-returns.service.js';
import { StockAccess } from './stock-access.js';
import { StockReportsService } from './stock-reports.service.js';
import { StockService } from './stock.service.js';

@Module({
  imports: [BranchesModule],
  controllers: [InventoryController, InventoryAdminController],
  providers: [
    StockReturnsService,
    InventoryRepository,
    InventoryQueries,
    InventoryService,
    StockAccess,
    StockService,
    StockReportsService,
    InventoryJobs,
  ],
  exports: [InventoryService, StockReturnsService],
})
export class InventoryModule {}
