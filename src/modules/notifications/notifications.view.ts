import type { NotificationView } from './notifications.dto.js';
import type { Category } from './notifications.rules.js';
import type { NotificationRow } from './notifications.repository.js';

/** What a client reads of a notification (the inbox item and the `notification.created` realtime payload). */
export const toNotificationView = (n: NotificationRow): NotificationView => ({
  id: n.id,
  kind: n.kind,
  category: n.category as Category,
  urgent: n.urgent,
  title: n.title,
  body: n.body,
  data: n.data as Record<string, string | number>,
  read: n.readAt !== null,
  readAt: n.readAt?.toISOString() ?? null,
  createdAt: n.createdAt.toISOString(),
});
