import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import {
  devices,
  notificationDeliveries,
  notificationPreferences,
  notifications,
  notificationSettings,
  pushTickets,
} from './notifications.tables.js';

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
export type DeliveryRow = typeof notificationDeliveries.$inferSelect;
export type DeviceRow = typeof devices.$inferSelect;
export type SettingsRow = typeof notificationSettings.$inferSelect;
export type ChoiceRow = { category: string; channel: string; enabled: boolean };

/** A delivery taken by one sender: no other runner takes it until it is settled or its claim goes stale. */
const STALE_CLAIM_MS = 5 * 60_000;

/** All SQL of notifications, deliveries, preferences and devices (rule 4). Decides nothing. */
@Injectable()
export class NotificationsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  // ---- notifications
  /** Undefined when this event already made this recipient's record (the relay's repeat delivery). */
  async insertNotification(row: NewNotification, tx: DbOrTx = this.db): Promise<NotificationRow | undefined> {
    const [created] = await tx.insert(notifications).values(row).onConflictDoNothing().returning();
    return created;
  }

  async findByEvent(eventId: string, userId: string, tx: DbOrTx = this.db): Promise<NotificationRow | undefined> {
    const [row] = await tx
      .select()
      .from(notifications)
      .where(and(eq(notifications.eventId, eventId), eq(notifications.userId, userId)));
    return row;
  }

  async insertDeliveries(rows: (typeof notificationDeliveries.$inferInsert)[], tx: DbOrTx = this.db): Promise<void> {
    if (rows.length > 0) await tx.insert(notificationDeliveries).values(rows).onConflictDoNothing();
  }

  /** The user's inbox, newest first (ids are UUIDv7: time-ordered), from after the cursor's id. */
  page(userId: string, limit: number, beforeId?: string, unreadOnly = false): Promise<NotificationRow[]> {
    return this.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, userId),
          beforeId ? lt(notifications.id, beforeId) : undefined,
          unreadOnly ? isNull(notifications.readAt) : undefined,
        ),
      )
      .orderBy(desc(notifications.id))
      .limit(limit + 1);
  }

  async unreadCount(userId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
    return Number(row?.n ?? 0);
  }

  /** Marks the user's own unread notifications read (all, or those of `ids`); others' ids match nothing. */
  async markRead(userId: string, ids: readonly string[] | null, at: Date): Promise<number> {
    const rows = await this.db
      .update(notifications)
      .set({ readAt: at })
      .where(
        and(
          eq(notifications.userId, userId),
          isNull(notifications.readAt),
          ids ? inArray(notifications.id, [...ids]) : undefined,
        ),
      )
      .returning({ id: notifications.id });
    return rows.length;
  }

  /**
   * Marks records announced (their realtime event goes out now): one, or every committed one still waiting
   * longer than `olderThan` (its deliver job was lost or ran before the commit). Once each: the conditional
   * update lets one runner take a record.
   */
  async takeUnannounced(at: Date, which: { id: string } | { before: Date; limit: number }): Promise<NotificationRow[]> {
    const pending = this.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(
          isNull(notifications.announcedAt),
          'id' in which ? eq(notifications.id, which.id) : lte(notifications.createdAt, which.before),
        ),
      )
      .limit('id' in which ? 1 : which.limit)
      .for('update', { skipLocked: true });
    return this.db
      .update(notifications)
      .set({ announcedAt: at })
      .where(and(inArray(notifications.id, pending), isNull(notifications.announcedAt)))
      .returning();
  }

  findNotifications(ids: readonly string[]): Promise<NotificationRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(notifications)
      .where(inArray(notifications.id, [...ids]));
  }

  // ---- deliveries
  /**
   * Takes due deliveries (of one notification, or any), marking them `sending` in one statement (SKIP LOCKED:
   * two runners never take the same row). A claim older than STALE_CLAIM_MS is a runner that died mid-send:
   * it is taken again (at-least-once; a send is rarely repeated, never lost).
   */
  async claimDue(now: Date, limit: number, notificationId?: string): Promise<DeliveryRow[]> {
    const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
    const due = this.db
      .select({ id: notificationDeliveries.id })
      .from(notificationDeliveries)
      .where(
        and(
          notificationId ? eq(notificationDeliveries.notificationId, notificationId) : undefined,
          or(
            and(eq(notificationDeliveries.status, 'pending'), lte(notificationDeliveries.dueAt, now)),
            and(eq(notificationDeliveries.status, 'sending'), lt(notificationDeliveries.claimedAt, staleBefore)),
          ),
        ),
      )
      .orderBy(asc(notificationDeliveries.dueAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    return this.db
      .update(notificationDeliveries)
      .set({ status: 'sending', claimedAt: now, attempts: sql`${notificationDeliveries.attempts} + 1` })
      .where(inArray(notificationDeliveries.id, due))
      .returning();
  }

  async settle(
    id: string,
    outcome: { status: 'sent' | 'skipped' | 'failed' | 'pending'; at: Date; error?: string; retryAt?: Date },
  ): Promise<void> {
    await this.db
      .update(notificationDeliveries)
      .set({
        status: outcome.status,
        sentAt: outcome.status === 'sent' ? outcome.at : null,
        lastError: outcome.error?.slice(0, 500) ?? null,
        claimedAt: null,
        ...(outcome.retryAt ? { dueAt: outcome.retryAt } : {}),
      })
      .where(and(eq(notificationDeliveries.id, id), eq(notificationDeliveries.status, 'sending')));
  }

  deliveriesOf(notificationId: string): Promise<DeliveryRow[]> {
    return this.db
      .select()
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.notificationId, notificationId));
  }

  // ---- preferences
  choices(userId: string, tx: DbOrTx = this.db): Promise<ChoiceRow[]> {
    return tx
      .select({
        category: notificationPreferences.category,
        channel: notificationPreferences.channel,
        enabled: notificationPreferences.enabled,
      })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, userId));
  }

  async upsertChoices(userId: string, rows: ChoiceRow[], at: Date, tx: DbOrTx): Promise<void> {
    if (rows.length === 0) return;
    await tx
      .insert(notificationPreferences)
      .values(rows.map((r) => ({ userId, ...r, updatedAt: at })))
      .onConflictDoUpdate({
        target: [notificationPreferences.userId, notificationPreferences.category, notificationPreferences.channel],
        set: { enabled: sql`excluded.enabled`, updatedAt: at },
      });
  }

  async settings(userId: string, tx: DbOrTx = this.db): Promise<SettingsRow | undefined> {
    const [row] = await tx.select().from(notificationSettings).where(eq(notificationSettings.userId, userId));
    return row;
  }

  async upsertSettings(row: typeof notificationSettings.$inferInsert, tx: DbOrTx): Promise<void> {
    await tx
      .insert(notificationSettings)
      .values(row)
      .onConflictDoUpdate({
        target: notificationSettings.userId,
        set: {
          quietStartMinute: row.quietStartMinute ?? null,
          quietEndMinute: row.quietEndMinute ?? null,
          timeZone: row.timeZone,
          updatedAt: row.updatedAt,
        },
      });
  }

  // ---- devices
  /** A token belongs to whoever registered it last (the app install changed hands or accounts). */
  async upsertDevice(userId: string, token: string, platform: string, at: Date): Promise<DeviceRow> {
    const [row] = await this.db
      .insert(devices)
      .values({ userId, token, platform, lastSeenAt: at })
      .onConflictDoUpdate({ target: devices.token, set: { userId, platform, lastSeenAt: at } })
      .returning();
    return row;
  }

  async findDevice(id: string): Promise<DeviceRow | undefined> {
    const [row] = await this.db.select().from(devices).where(eq(devices.id, id));
    return row;
  }

  async deleteDevice(id: string, userId: string): Promise<boolean> {
    const rows = await this.db
      .delete(devices)
      .where(and(eq(devices.id, id), eq(devices.userId, userId)))
      .returning({ id: devices.id });
    return rows.length === 1;
  }

  devicesOf(userId: string, limit = 100): Promise<DeviceRow[]> {
    return this.db.select().from(devices).where(eq(devices.userId, userId)).orderBy(desc(devices.id)).limit(limit);
  }

  async deleteDevices(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.db
      .delete(devices)
      .where(inArray(devices.id, [...ids]))
      .returning({ id: devices.id });
    return rows.length;
  }

  // ---- push tickets
  async insertTickets(rows: { id: string; deviceId: string; notificationId: string }[]): Promise<void> {
    if (rows.length > 0) await this.db.insert(pushTickets).values(rows).onConflictDoNothing();
  }

  ticketsBefore(before: Date, limit: number): Promise<{ id: string; deviceId: string }[]> {
    return this.db
      .select({ id: pushTickets.id, deviceId: pushTickets.deviceId })
      .from(pushTickets)
      .where(lte(pushTickets.createdAt, before))
      .orderBy(asc(pushTickets.createdAt))
      .limit(limit);
  }

  async deleteTickets(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.delete(pushTickets).where(inArray(pushTickets.id, [...ids]));
  }
}
