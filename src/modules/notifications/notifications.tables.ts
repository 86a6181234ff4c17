import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz } from '../../db/columns.js';

/** One record per (event, recipient): the in-app inbox, and the source every other channel sends from. */
export const notifications = pgTable(
  'notifications',
  {
    id: pk(),
    // References users (migration 0024: modules do not import each other's tables).
    userId: uuid('user_id').notNull(),
    eventId: uuid('event_id').notNull(),
    topic: text('topic').notNull(),
    kind: text('kind').notNull(),
    category: text('category').notNull(),
    urgent: boolean('urgent').notNull().default(false),
    locale: text('locale').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    readAt: tsz('read_at'),
    announcedAt: tsz('announced_at'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('notifications_event_recipient_key').on(t.eventId, t.userId),
    index('notifications_user_idx').on(t.userId, t.id),
    index('notifications_unread_idx')
      .on(t.userId)
      .where(sql`${t.readAt} IS NULL`),
    index('notifications_unannounced_idx')
      .on(t.createdAt)
      .where(sql`${t.announcedAt} IS NULL`),
  ],
);

/** A notification's send over one outside channel; deferred by quiet hours through `dueAt`. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: pk(),
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    channel: text('channel').$type<'push' | 'email' | 'sms'>().notNull(),
    status: text('status').$type<'pending' | 'sending' | 'sent' | 'skipped' | 'failed'>().notNull().default('pending'),
    dueAt: tsz('due_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    claimedAt: tsz('claimed_at'),
    sentAt: tsz('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('notification_deliveries_once').on(t.notificationId, t.channel),
    check('notification_deliveries_sent_at', sql`(${t.status} = 'sent') = (${t.sentAt} IS NOT NULL)`),
  ],
);

/** Only the choices a person changed are stored; the rest are the defaults (notifications.rules.ts). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id').notNull(),
    category: text('category').notNull(),
    channel: text('channel').notNull(),
    enabled: boolean('enabled').notNull(),
    updatedAt: tsz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.category, t.channel] })],
);

export const notificationSettings = pgTable('notification_settings', {
  userId: uuid('user_id').primaryKey(),
  quietStartMinute: smallint('quiet_start_minute'),
  quietEndMinute: smallint('quiet_end_minute'),
  timeZone: text('time_zone').notNull().default('UTC'),
  updatedAt: tsz('updated_at').notNull().defaultNow(),
});

/** Push tokens (Expo), one row per app install. */
export const devices = pgTable(
  'devices',
  {
    id: pk(),
    userId: uuid('user_id').notNull(),
    token: text('token').notNull(),
    platform: text('platform').notNull(),
    createdAt: createdAt(),
    lastSeenAt: tsz('last_seen_at').notNull().defaultNow(),
  },
  (t) => [unique('devices_token_key').on(t.token), index('devices_user_idx').on(t.userId, t.id)],
);

/** Expo push tickets awaiting their receipt (which tells whether the token still works). */
export const pushTickets = pgTable(
  'push_tickets',
  {
    id: text('id').primaryKey(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [index('push_tickets_created_idx').on(t.createdAt)],
);
