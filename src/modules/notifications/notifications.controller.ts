import { Body, Controller, Get, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { NotificationPreferencesService } from './notification-preferences.service.js';
import {
  listQuery,
  notificationPage,
  preferencesBody,
  preferencesView,
  readBody,
  readResult,
  unreadCountView,
  type ListQuery,
  type PreferencesBody,
  type ReadBody,
} from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

const SELF_ONLY = 'Always the caller’s own notifications (no id names another person’s).';

// Notifications and their preferences are part of the caller's own account: the self-service profile permissions.
@ApiTags('notifications')
@Controller('v1/notifications')
export class NotificationsController {
  constructor(
    private readonly inbox: NotificationsService,
    private readonly preferences: NotificationPreferencesService,
  ) {}

  @Can('profile:read')
  @Get()
  @Route({
    operationId: 'listNotifications',
    summary: 'The inbox: the caller’s notifications, newest first',
    description: `${SELF_ONLY} One per event the caller cares about (order, appointment, prescription, payment and refund, account changes), in the caller’s language when it was made. \`unread=true\` lists only unread ones. Each new one is also sent live over Socket.IO as \`notification.created\` (the same shape), and by push, email or SMS as the preferences say.`,
    auth: { permission: 'profile:read' },
    response: notificationPage,
  })
  list(@Query({ schema: listQuery }) query: ListQuery, @CurrentActor() actor: UserActor) {
    return this.inbox.list(actor, query);
  }

  @Can('profile:read')
  @Get('unread-count')
  @Route({
    operationId: 'countUnreadNotifications',
    summary: 'How many of the caller’s notifications are unread: `{ count }`',
    description: SELF_ONLY,
    auth: { permission: 'profile:read' },
    response: unreadCountView,
  })
  unreadCount(@CurrentActor() actor: UserActor) {
    return this.inbox.unreadCount(actor);
  }

  @Can('profile:write')
  @Post('read')
  @Route({
    operationId: 'markNotificationsRead',
    summary: 'Mark notifications read: `{ ids: [...] }` or `{ all: true }`',
    description: `${SELF_ONLY} Exactly one of \`ids\` (at most 100) and \`all\`. Ids that are not the caller’s, unknown or already read change nothing (and are not told apart); \`updated\` counts the ones this call marked.`,
    auth: { permission: 'profile:write' },
    status: 200,
    response: readResult,
  })
  markRead(@Body({ schema: readBody }) body: ReadBody, @CurrentActor() actor: UserActor) {
    return this.inbox.markRead(actor, body);
  }

  @Can('profile:read')
  @Get('preferences')
  @Route({
    operationId: 'getNotificationPreferences',
    summary: 'Which channels the caller receives per category, and their quiet hours',
    description: `${SELF_ONLY} Categories: orders, appointments, prescriptions, payments, account, support; channels: push, email, sms (defaults: push and email on, SMS off). The inbox and its realtime event are always on. Email and SMS go only to a verified address.`,
    auth: { permission: 'profile:read' },
    response: preferencesView,
  })
  getPreferences(@CurrentActor() actor: UserActor) {
    return this.preferences.get(actor.userId);
  }

  @Can('profile:write')
  @Put('preferences')
  @Route({
    operationId: 'putNotificationPreferences',
    summary: 'Change channel choices and quiet hours (only what the body names)',
    description: `${SELF_ONLY} \`channels.<category>.<channel>\`: true or false. \`quietHours\`: \`{ start, end, timeZone }\` in the caller’s wall clock (a window may wrap midnight), or null to remove them. During quiet hours non-urgent push, email and SMS wait until the window ends (the inbox and realtime are immediate); urgent ones (a consultation starting, a password change) are sent at once. Answers the whole result.`,
    auth: { permission: 'profile:write' },
    response: preferencesView,
  })
  putPreferences(@Body({ schema: preferencesBody }) body: PreferencesBody, @CurrentActor() actor: UserActor) {
    return this.preferences.put(actor.userId, body);
  }
}
