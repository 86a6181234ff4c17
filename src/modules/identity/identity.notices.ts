import type { DbOrTx } from '../../db/client.js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { OutboxService } from '../../kernel/events/index.js';
import { EMAIL_SENDER, SMS_SENDER, type EmailSender, type SmsSender } from '../../kernel/messaging/index.js';
import { IdentityEvents, type ContactChangedEvent, type UserEvent } from './identity.events.js';
import { IdentityRepository } from './identity.repository.js';
import { contactChangedText, maskContact, recoveryPausedText } from './identity.texts.js';

/**
 * Security notices to the account owner. They carry no secret, so they leave through the outbox after
 * the change commits (rule 10) and are retried if the provider fails; at-least-once delivery means a
 * notice may rarely arrive twice, which is harmless. (One-time codes go straight to the provider instead:
 * they must never be stored in plain text.)
 */
@Injectable()
export class IdentityNotices implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxService,
    private readonly repo: IdentityRepository,
    @Inject(EMAIL_SENDER) private readonly email: EmailSender,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
  ) {}

  onModuleInit(): void {
    this.outbox.subscribe(IdentityEvents.contactChanged, (p) => this.contactChanged(p as ContactChangedEvent));
    // Read in the delivery's transaction: embedded PostgreSQL has one connection, which that transaction holds.
    this.outbox.subscribe(IdentityEvents.recoveryPaused, (p, _e, tx) => this.recoveryPaused(p as UserEvent, tx));
  }

  /** To the replaced contact, verified or not: it is the owner's last known address, and the text holds no secret. */
  private async contactChanged(e: ContactChangedEvent): Promise<void> {
    const { subject, text } = contactChangedText(e.locale, e.kind, maskContact(e.current));
    if (e.kind === 'email') await this.email.send({ to: e.previous, subject, text });
    else await this.sms.send({ to: e.previous, text });
  }

  /** Through a verified contact only (email first): an unverified one may belong to whoever is guessing. */
  private async recoveryPaused(e: UserEvent, tx: DbOrTx): Promise<void> {
    const user = await this.repo.findUserById(e.userId, tx);
    if (!user) return;
    const { subject, text } = recoveryPausedText(user.locale);
    if (user.email && user.emailVerifiedAt) await this.email.send({ to: user.email, subject, text });
    else if (user.phone && user.phoneVerifiedAt) await this.sms.send({ to: user.phone, text });
  }
}
