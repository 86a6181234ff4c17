export { OutboxService, type EventHandler } from './outbox.service.js';
export type { OutboxRow } from './outbox.repository.js';
