import { Module, type OnModuleInit } from '@nestjs/common';
import { CLOCK, systemClock } from '../../kernel/clock.js';
import { JobQueue } from '../../kernel/queue/index.js';
import { BranchesModule } from '../branches/index.js';
import { InventoryAdminController } from './inventory.admin.controller.js';
import { InventoryController } from './inventory.controller.js';
import { InventoryQueries } from './inventory-reports.repository.js';
import { InventoryRepository } from './inventory.repository.js';
import { InventoryService } from './inventory.service.js';
import { StockAccess } from './stock-access.js';
import { StockReportsService } from './stock-reports.service.js';
import { StockService } from './stock.service.js';

@Module({
  imports: [BranchesModule],
  controllers: [InventoryController, InventoryAdminController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    InventoryRepository,
    InventoryQueries,
    InventoryService,
    StockAccess,
    StockService,
    StockReportsService,
  ],
  exports: [InventoryService],
})
export class InventoryModule implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    private readonly inventory: InventoryService,
  ) {}

  onModuleInit(): void {
    // Both are idempotent: a second runner (another worker) releases nothing twice and reports the same.
    this.queue.register('inventory.release-expired-reservations', async () => {
      await this.inventory.releaseExpired();
    });
    this.queue.register('inventory.integrity-check', async () => {
      await this.inventory.integrityCheck();
    });
  }
}
