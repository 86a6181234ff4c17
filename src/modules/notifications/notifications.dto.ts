import { z } from 'zod';
import { flagQuery, idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { CATEGORIES, CHANNELS, isTimeZone } from './notifications.rules.js';
import { isPushToken } from './push.sender.js';

export const listQuery = pageQuery.extend({ unread: flagQuery.optional() });
export type ListQuery = z.infer<typeof listQuery>;

export const readBody = z
  .strictObject({
    /** Notifications to mark read: the caller's own (ids of others or unknown ones match nothing). */
    ids: z.array(idSchema).min(1).max(100).optional(),
    /** Every unread notification of the caller. */
    all: z.literal(true).optional(),
  })
  .refine((b) => (b.ids === undefined) !== (b.all === undefined), {
    message: 'give either ids or all: true',
    path: ['ids'],
  });
export type ReadBody = z.infer<typeof readBody>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
const quietHours = z
  .strictObject({
    /** Local wall-clock start and end (HH:MM); a window may wrap midnight (22:00 to 07:00). */
    start: hhmm,
    end: hhmm,
    /** The person's IANA time zone, e.g. `Africa/Cairo`. */
    timeZone: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone'),
  })
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] });

const channelChoices = z.strictObject(
  Object.fromEntries(CHANNELS.map((c) => [c, z.boolean().optional()])) as Record<
    (typeof CHANNELS)[number],
    z.ZodOptional<z.ZodBoolean>
  >,
);

export const preferencesBody = z.strictObject({
  /** Per category, per channel: true to receive, false not to. Categories and channels left out stay as they are. */
  channels: z
    .strictObject(
      Object.fromEntries(CATEGORIES.map((c) => [c, channelChoices.optional()])) as Record<
        (typeof CATEGORIES)[number],
        z.ZodOptional<typeof channelChoices>
      >,
    )
    .optional(),
  /** Non-urgent push, email and SMS wait until the window ends; null removes quiet hours. */
  quietHours: quietHours.nullable().optional(),
});
export type PreferencesBody = z.infer<typeof preferencesBody>;

export const deviceBody = z.strictObject({
  /** The app's Expo push token (`ExponentPushToken[…]`). */
  token: z.string().min(1).max(200).refine(isPushToken, 'must be an Expo push token'),
  platform: z.enum(['ios', 'android', 'web']),
});
export type DeviceBody = z.infer<typeof deviceBody>;
export const deviceIdParam = idSchema;

// ---- responses
export const notificationView = z
  .object({
    id: z.string(),
    /** What happened, e.g. `order.confirmed`, `appointment.starting` (stable; clients may branch on it). */
    kind: z.string(),
    category: z.enum(CATEGORIES),
    /** Sent through quiet hours (a consultation starting, a security notice). */
    urgent: z.boolean(),
    /** In the recipient's language at the time it was made. */
    title: z.string(),
    body: z.string(),
    /** Ids of what it is about (`orderId`, `appointmentId`, `prescriptionId`, …) and a status or amount. */
    data: z.record(z.string(), z.union([z.string(), z.number()])),
    read: z.boolean(),
    readAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Notification' });
export type NotificationView = z.infer<typeof notificationView>;
export const notificationPage = pageSchema(notificationView);

export const unreadCountView = z.object({ count: z.number().int() }).meta({ id: 'UnreadCount' });
export const readResult = z.object({ updated: z.number().int() }).meta({ id: 'NotificationsRead' });

const channelsView = z.object(
  Object.fromEntries(CHANNELS.map((c) => [c, z.boolean()])) as Record<(typeof CHANNELS)[number], z.ZodBoolean>,
);
export const preferencesView = z
  .object({
    /** Every category with every channel (the defaults where nothing was chosen). The inbox is always on. */
    channels: z.object(
      Object.fromEntries(CATEGORIES.map((c) => [c, channelsView])) as Record<
        (typeof CATEGORIES)[number],
        typeof channelsView
      >,
    ),
    quietHours: z.object({ start: z.string(), end: z.string(), timeZone: z.string() }).nullable(),
  })
  .meta({ id: 'NotificationPreferences' });
export type PreferencesView = z.infer<typeof preferencesView>;

export const deviceView = z
  .object({ id: z.string(), platform: z.string(), createdAt: z.string(), lastSeenAt: z.string() })
  .meta({ id: 'Device' });
export type DeviceView = z.infer<typeof deviceView>;
