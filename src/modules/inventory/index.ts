export { InventoryModule } from './inventory.module.js';
export { InventoryService, type Reservation, type ReserveLine } from './inventory.service.js';
export type { IntegrityDifference } from './inventory-reports.repository.js';
export { isSellable, sellableCutoff } from './inventory.rules.js';
// Read-only, for other modules' queries (search joins lots for "in stock"; sellable = expires_on > cutoff()).
export { stockLots } from './inventory.tables.js';
export { InventoryMessages } from './inventory.errors.js';
