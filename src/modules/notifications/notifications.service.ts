import { Inject, Injectable } from '@nestjs/common';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { cursorField, cursorShape, decodeCursor, toPage, type Page } from '../../kernel/http/index.js';
import type { ListQuery, NotificationView, ReadBody } from './notifications.dto.js';
import { NotificationsRepository } from './notifications.repository.js';
import { toNotificationView } from './notifications.view.js';

const INBOX_CURSOR = cursorShape(cursorField.id);

/** The inbox: always the caller's own notifications (no route names another person's). */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly repo: NotificationsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(actor: UserActor, query: ListQuery): Promise<Page<NotificationView>> {
    const after = decodeCursor(query.cursor, INBOX_CURSOR);
    const rows = await this.repo.page(actor.userId, query.limit, after?.[0], query.unread === true);
    return toPage(rows, query.limit, (r) => [r.id], toNotificationView);
  }

  async unreadCount(actor: UserActor): Promise<{ count: number }> {
    return { count: await this.repo.unreadCount(actor.userId) };
  }

  /** Ids that are not the caller's (or unknown, or already read) change nothing and are not told apart. */
  async markRead(actor: UserActor, body: ReadBody): Promise<{ updated: number }> {
    const updated = await this.repo.markRead(actor.userId, body.all ? null : (body.ids ?? []), this.clock.now());
    return { updated };
  }
}
