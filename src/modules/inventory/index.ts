export { InventoryModule } from './inventory.module.js';
export { InventoryService, type Reservation, type ReserveLine } from './inventory.service.js';
export { StockReturnsService } from './stock-returns.service.js';
export type { IntegrityDifference } from './inventory-reports.repository.js';
export { isSellable, sellableCutoff } from './inventory.rules.js';
// The sellable-stock predicate, for other modules' repositories that ask "in stock?" (search).
export { sellableLot, type LotColumns } from './sellable-stock.repository.js';
export { InventoryMessages } from './inventory.errors.js';
