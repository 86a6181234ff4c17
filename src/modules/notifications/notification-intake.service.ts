import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import type { OutboxRow } from '../../kernel/events/index.js';
import { UUID_RE } from '../../kernel/ids.js';
import { JobQueue } from '../../kernel/queue/index.js';
import { UserContacts, type UserContact } from '../identity/index.js';
import { quietHoursOf } from './notification-preferences.service.js';
import { NotificationsRepository } from './notifications.repository.js';
import { CHANNELS, choicesOf, sendableAt, type Channel } from './notifications.rules.js';
import { draftsOf, type Draft } from './notifications.templates.js';
import { render } from './notifications.texts.js';

/**
 * The deliver job waits this long so that it runs after the subscriber's transaction commits (in process
 * the relay commits its whole batch at the end). A job that still runs too early finds nothing and the
 * sweep (notifications.deliver-due) announces and sends the record instead.
 */
export const DELIVER_DELAY_MS = 250;

/**
 * Turns a committed outbox event into one notification per recipient, in the recipient's language, with its
 * channel deliveries as the recipient's preferences and quiet hours say. Everything is written in the
 * subscriber's transaction (the outbox runs this once per event; the unique key (event id, recipient)
 * guards a repeat all the same). The realtime event and the sends leave after commit, from the deliver job.
 */
@Injectable()
export class NotificationIntake {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly repo: NotificationsRepository,
    private readonly contacts: UserContacts,
    private readonly queue: JobQueue,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async fromEvent(topic: string, payload: unknown, event: OutboxRow, tx?: DbOrTx): Promise<void> {
    const seen = new Set<string>();
    const drafts = draftsOf(topic, (payload ?? {}) as Record<string, unknown>).filter(
      (d) => UUID_RE.test(d.userId) && !seen.has(d.userId.toLowerCase()) && seen.add(d.userId.toLowerCase()),
    );
    const made: string[] = [];
    await this.repo.transaction(async (t) => {
      for (const draft of drafts) {
        const contact = await this.contacts.of(draft.userId.toLowerCase(), t);
        if (!contact) continue;
        const id = await this.create(event.id, topic, draft, contact, t);
        if (id) made.push(id);
      }
    }, tx);
    for (const notificationId of made) {
      try {
        await this.queue.enqueue('notifications.deliver', { notificationId }, { delayMs: DELIVER_DELAY_MS });
      } catch (err) {
        // The record and its deliveries are rows: the sweep announces and sends them without this job.
        this.logger.warn(`deliver job for ${notificationId} not queued: ${(err as Error).message}`);
      }
    }
  }

  /** The new record's id; undefined when this event already made this recipient's record. */
  private async create(
    eventId: string,
    topic: string,
    draft: Draft,
    contact: UserContact,
    tx: DbOrTx,
  ): Promise<string | undefined> {
    const now = this.clock.now();
    const choices = choicesOf(await this.repo.choices(contact.userId, tx))[draft.category];
    const quiet = quietHoursOf(await this.repo.settings(contact.userId, tx));
    // Urgent messages (a consultation starting, a security notice) go through quiet hours.
    const dueAt = draft.urgent ? now : sendableAt(now, quiet);
    const text = render(draft.kind, contact.locale, draft.data, this.config.payments.currency);
    const row = await this.repo.insertNotification(
      {
        userId: contact.userId,
        eventId,
        topic,
        kind: draft.kind,
        category: draft.category,
        urgent: draft.urgent,
        locale: contact.locale === 'ar' ? 'ar' : 'en',
        title: text.title,
        body: text.body,
        data: draft.data,
        createdAt: now,
      },
      tx,
    );
    if (!row) return undefined;
    await this.repo.insertDeliveries(
      CHANNELS.filter((c) => choices[c]).map((channel) => ({
        notificationId: row.id,
        channel,
        // No verified address for the channel: recorded as skipped, so the record says why nothing went.
        ...(reachable(channel, contact)
          ? { status: 'pending' as const, dueAt }
          : { status: 'skipped' as const, dueAt: now, lastError: 'no verified contact' }),
      })),
      tx,
    );
    return row.id;
  }
}

function reachable(channel: Channel, contact: UserContact): boolean {
  if (channel === 'email') return contact.email !== null;
  if (channel === 'sms') return contact.phone !== null;
  return true;
}
