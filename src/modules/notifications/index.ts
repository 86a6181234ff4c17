export { NotificationsModule } from './notifications.module.js';
// For jobs, tests and the CLI: send due deliveries and read push receipts.
export { NotificationDelivery } from './notification-delivery.service.js';
export { NotificationMessages } from './notifications.errors.js';
export { PUSH_SENDER, type PushSender, type PushMessage, type PushTicket, type PushReceipt } from './push.sender.js';
