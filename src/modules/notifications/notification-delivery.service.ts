import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { EMAIL_SENDER, SMS_SENDER, type EmailSender, type SmsSender } from '../../kernel/messaging/index.js';
import { RealtimeService } from '../../kernel/realtime/index.js';
import { UserContacts } from '../identity/index.js';
import { NotificationsRepository, type DeliveryRow, type NotificationRow } from './notifications.repository.js';
import { toNotificationView } from './notifications.view.js';
import { PUSH_SENDER, type PushSender } from './push.sender.js';

/** After this many tries a delivery is failed for good (the inbox still holds the notification). */
const MAX_ATTEMPTS = 5;
/** A record not yet announced this long after it was made lost its deliver job (or the job ran too early). */
const ANNOUNCE_GRACE_MS = 2_000;
/** Expo keeps receipts about a day: a ticket still without one after that will never get one. */
const RECEIPT_GIVE_UP_MS = 24 * 3_600_000;

type Outcome = { status: 'sent' } | { status: 'skipped'; reason: string };

/**
 * Sends a notification's due deliveries (push, email, SMS). Each delivery is claimed before it is sent and
 * settled after, so two runners never send it twice; a runner that dies mid-send leaves a claim that goes
 * stale and is taken again (at-least-once: rarely twice, never lost). Failures retry with backoff.
 */
@Injectable()
export class NotificationDelivery {
  private readonly logger = new Logger('NotificationDelivery');

  constructor(
    private readonly repo: NotificationsRepository,
    private readonly contacts: UserContacts,
    private readonly realtime: RealtimeService,
    @Inject(PUSH_SENDER) private readonly push: PushSender,
    @Inject(EMAIL_SENDER) private readonly email: EmailSender,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A new notification, after its commit: its realtime event (once), then its deliveries that are due. */
  async deliver(notificationId: string): Promise<number> {
    this.announce(await this.repo.takeUnannounced(this.clock.now(), { id: notificationId }));
    return this.run(await this.repo.claimDue(this.clock.now(), 10, notificationId));
  }

  /**
   * The sweep: records whose realtime event has not gone out, then every due delivery (deferred by quiet
   * hours, retries, and any whose job was lost or ran before the commit).
   */
  async deliverDue(limit = 100): Promise<number> {
    for (;;) {
      const now = this.clock.now();
      const taken = await this.repo.takeUnannounced(now, {
        before: new Date(now.getTime() - ANNOUNCE_GRACE_MS),
        limit,
      });
      this.announce(taken);
      if (taken.length < limit) break;
    }
    let total = 0;
    for (;;) {
      const n = await this.run(await this.repo.claimDue(this.clock.now(), limit));
      total += n;
      if (n < limit) return total;
    }
  }

  /** The live inbox update (`notification.created`, the inbox item's shape) to the recipient's sockets. */
  private announce(rows: NotificationRow[]): void {
    for (const n of rows) this.realtime.toUsers([n.userId], 'notification.created', toNotificationView(n));
  }

  private async run(claims: DeliveryRow[]): Promise<number> {
    if (claims.length === 0) return 0;
    const byId = new Map(
      (await this.repo.findNotifications([...new Set(claims.map((c) => c.notificationId))])).map((n) => [n.id, n]),
    );
    for (const claim of claims) {
      const n = byId.get(claim.notificationId);
      const at = this.clock.now();
      try {
        const outcome: Outcome = n ? await this.send(claim, n) : { status: 'skipped', reason: 'gone' };
        await this.repo.settle(
          claim.id,
          outcome.status === 'sent' ? { status: 'sent', at } : { status: 'skipped', at, error: outcome.reason },
        );
      } catch (err) {
        const error = (err as Error).message;
        this.logger.warn(`${claim.channel} for notification ${claim.notificationId} failed: ${error}`);
        await this.repo.settle(
          claim.id,
          claim.attempts >= MAX_ATTEMPTS
            ? { status: 'failed', at, error }
            : { status: 'pending', at, error, retryAt: new Date(at.getTime() + 30_000 * 2 ** (claim.attempts - 1)) },
        );
      }
    }
    return claims.length;
  }

  private async send(claim: DeliveryRow, n: NotificationRow): Promise<Outcome> {
    if (claim.channel === 'push') return this.sendPush(n);
    const contact = await this.contacts.of(n.userId);
    if (claim.channel === 'email') {
      if (!contact?.email) return { status: 'skipped', reason: 'no verified contact' };
      await this.email.send({ to: contact.email, subject: n.title, text: n.body });
      return { status: 'sent' };
    }
    if (!contact?.phone) return { status: 'skipped', reason: 'no verified contact' };
    await this.sms.send({ to: contact.phone, text: `${n.title}: ${n.body}` });
    return { status: 'sent' };
  }

  private async sendPush(n: NotificationRow): Promise<Outcome> {
    const devices = await this.repo.devicesOf(n.userId);
    if (devices.length === 0) return { status: 'skipped', reason: 'no device' };
    const tickets = await this.push.send(
      devices.map((d) => ({
        to: d.token,
        title: n.title,
        body: n.body,
        data: { notificationId: n.id, kind: n.kind, ...n.data },
      })),
    );
    const accepted: { id: string; deviceId: string; notificationId: string }[] = [];
    const dead: string[] = [];
    const errors: string[] = [];
    tickets.forEach((t, i) => {
      const device = devices[i];
      if (!device) return;
      if (t.status === 'ok') accepted.push({ id: t.id, deviceId: device.id, notificationId: n.id });
      else if (t.error === 'DeviceNotRegistered') dead.push(device.id);
      else errors.push(`${t.error}: ${t.message}`);
    });
    await this.repo.insertTickets(accepted);
    // The push service says the app is gone from that device: its token will never work again.
    await this.repo.deleteDevices(dead);
    if (accepted.length === 0 && errors.length > 0) throw new Error(errors.join('; '));
    return accepted.length > 0 ? { status: 'sent' } : { status: 'skipped', reason: 'no device' };
  }

  /**
   * Reads the receipts of tickets sent at least PUSH_RECEIPT_DELAY_SECONDS ago: `DeviceNotRegistered`
   * deletes the device (the app was uninstalled or the token rotated). Answered tickets are forgotten; so is
   * one still unanswered after a day (Expo no longer keeps its receipt).
   */
  async checkReceipts(limit = 1_000): Promise<{ checked: number; removedDevices: number }> {
    const now = this.clock.now();
    const tickets = await this.repo.ticketsBefore(
      new Date(now.getTime() - this.config.notifications.pushReceiptDelayMs),
      limit,
    );
    if (tickets.length === 0) return { checked: 0, removedDevices: 0 };
    const receipts = await this.push.receipts(tickets.map((t) => t.id));
    const dead = tickets
      .filter((t) => {
        const r = receipts.get(t.id);
        return r?.status === 'error' && r.error === 'DeviceNotRegistered';
      })
      .map((t) => t.deviceId);
    const removedDevices = await this.repo.deleteDevices([...new Set(dead)]);
    const answered = tickets.filter((t) => receipts.has(t.id)).map((t) => t.id);
    await this.repo.deleteTickets(answered);
    const expired = await this.repo.ticketsBefore(new Date(now.getTime() - RECEIPT_GIVE_UP_MS), limit);
    await this.repo.deleteTickets(expired.map((t) => t.id));
    return { checked: answered.length, removedDevices };
  }
}
