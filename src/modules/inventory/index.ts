export { InventoryModule } from './inventory.module.js';
