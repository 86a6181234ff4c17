// The schema barrel: every table of every module, for drizzle-kit and the typed client.
export * from '../modules/identity/identity.tables.js';
export * from '../modules/audit/audit.tables.js';
export * from '../modules/files/files.tables.js';
export * from '../kernel/events/outbox.tables.js';
export * from '../kernel/http/idempotency.tables.js';
export * from '../modules/catalog/catalog.tables.js';
export * from '../modules/branches/branches.tables.js';
export * from '../modules/inventory/inventory.tables.js';
export * from '../modules/offers/offers.tables.js';
export * from '../modules/search/search.tables.js';
export * from '../modules/payments/payments.tables.js';
export * from '../modules/loyalty/loyalty.tables.js';
export * from '../modules/cart/cart.tables.js';
export * from '../modules/prescriptions/prescriptions.tables.js';
export * from '../modules/orders/orders.tables.js';
export * from '../modules/providers/providers.tables.js';
export * from '../modules/availability/availability.tables.js';
