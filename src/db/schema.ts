// The schema barrel: every table of every module, for drizzle-kit and the typed client.
export * from '../modules/identity/identity.tables.js';
export * from '../modules/audit/audit.tables.js';
export * from '../modules/files/files.tables.js';
export * from '../kernel/events/outbox.tables.js';
export * from '../kernel/http/idempotency.tables.js';
