import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import { OutboxService } from '../../kernel/events/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import { EMAIL_SENDER, SMS_SENDER, type EmailSender, type SmsSender } from '../../kernel/messaging/index.js';
import { AuditService } from '../audit/index.js';
import { AuthService } from './auth.service.js';
import { IdentityCodesRepository, type OtpPurpose } from './identity-codes.repository.js';
import { IdentityEvents, type UserEvent } from './identity.events.js';
import { assertPasswordAcceptable, hashPassword } from './identity.passwords.js';
import { IdentityRepository, type UserRow } from './identity.repository.js';
import { otpSubject, otpText } from './identity.texts.js';
import { hashOtp, newOtp, sameHash } from './identity.tokens.js';

export const OTP_TTL_MINUTES = 10;
export const OTP_MAX_ATTEMPTS = 5;
/**
 * Every code request answers after at least this long, whatever happened (unknown account, unverified
 * contact, spent budget, a code issued): the time taken must not tell an attacker which.
 */
export const CODE_REQUEST_FLOOR_MS = 250;
const invalidCode = () => new AppError('validation', 'auth/invalid-code', 'The code is wrong or expired');
const anonymous = { kind: 'anonymous' } as const;

/** Where a code goes: always a contact of the account, and for a password reset only a verified one. */
interface Channel {
  kind: 'email' | 'phone';
  to: string;
}

/**
 * Phone and email verification and password reset by 6-digit codes: 10 minutes, 5 attempts each, stored
 * as a keyed hash, one live code per account and purpose, and one budget per account (OTP_DAILY_*) shared
 * by every route, purpose and identifier. Requests answer the same whether or not the account exists.
 */
@Injectable()
export class OtpService {
  private readonly logger = new Logger('Otp');
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
    @Inject(EMAIL_SENDER) private readonly email: EmailSender,
    private readonly repo: IdentityRepository,
    private readonly codes: IdentityCodesRepository,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  requestPhoneVerification(phone: string, meta: RequestMeta): Promise<void> {
    return this.evenly(async () => {
      const user = await this.repo.findUserByIdentifier(phone);
      if (!user || user.phoneVerifiedAt || user.status === 'suspended' || user.phone !== phone) return;
      await this.issue(user, 'phone_verification', { kind: 'phone', to: phone }, meta, 'auth.otp_requested');
    });
  }

  /** Mirrors phone verification: the code goes to the address itself, which proves the owner reads it. */
  requestEmailVerification(email: string, meta: RequestMeta): Promise<void> {
    return this.evenly(async () => {
      const user = await this.repo.findUserByIdentifier(email);
      if (!user?.email || user.emailVerifiedAt || user.status === 'suspended') return;
      await this.issue(
        user,
        'email_verification',
        { kind: 'email', to: user.email },
        meta,
        'auth.email_code_requested',
      );
    });
  }

  async verifyPhone(phone: string, code: string, meta: RequestMeta): Promise<void> {
    const user = await this.repo.findUserByIdentifier(phone);
    if (!user) throw invalidCode();
    await this.check(user, 'phone_verification', phone, code, meta, async (tx) => {
      await this.repo.updateUser(user.id, { phoneVerifiedAt: this.clock.now() }, tx);
    });
  }

  async verifyEmail(email: string, code: string, meta: RequestMeta): Promise<void> {
    const user = await this.repo.findUserByIdentifier(email);
    if (!user?.email) throw invalidCode();
    await this.check(user, 'email_verification', user.email, code, meta, async (tx) => {
      await this.repo.updateUser(user.id, { emailVerifiedAt: this.clock.now() }, tx);
    });
  }

  /**
   * Sends the code to the contact the identifier names, and only if that contact is verified: a contact
   * set with a stolen session (PATCH /v1/me) can never receive a reset before its owner proved it.
   */
  forgotPassword(identifier: string, meta: RequestMeta): Promise<void> {
    return this.evenly(async () => {
      const user = await this.repo.findUserByIdentifier(identifier.trim());
      if (!user || user.status === 'suspended') return;
      const channel = this.verifiedChannel(user, identifier.includes('@') ? 'email' : 'phone');
      if (!channel) {
        await this.audit.recordSafely({
          actor: anonymous,
          action: 'auth.password_reset_requested',
          outcome: 'denied',
          subjectType: 'user',
          subjectId: user.id,
          meta,
          details: { reason: 'unverified_contact' },
        });
        return;
      }
      await this.issue(user, 'password_reset', channel, meta, 'auth.password_reset_requested');
    });
  }

  async resetPassword(identifier: string, code: string, newPassword: string, meta: RequestMeta): Promise<void> {
    const user = await this.repo.findUserByIdentifier(identifier.trim());
    if (!user) throw invalidCode();
    assertPasswordAcceptable(newPassword, [user.email, user.phone, user.name], 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    const ended = await this.check(user, 'password_reset', '', code, meta, async (tx) => {
      await this.repo.updateUser(user.id, { passwordHash }, tx);
      await this.audit.record(
        { actor: anonymous, action: 'auth.password_reset', subjectType: 'user', subjectId: user.id, meta },
        tx,
      );
      return this.auth.endAllSessions(user.id, 'password_reset', tx);
    });
    await this.auth.forgetSessions(ended);
  }

  private verifiedChannel(user: UserRow, kind: Channel['kind']): Channel | undefined {
    if (kind === 'email') return user.email && user.emailVerifiedAt ? { kind, to: user.email } : undefined;
    return user.phone && user.phoneVerifiedAt ? { kind, to: user.phone } : undefined;
  }

  /**
   * A verification code is bound to the contact it was sent to, so it cannot verify an address the
   * account switched to afterwards; a reset code is bound to the account only.
   */
  private hash(userId: string, purpose: OtpPurpose, contact: string, code: string): string {
    const scope = purpose === 'password_reset' ? purpose : `${purpose}:${contact.toLowerCase()}`;
    return hashOtp(this.config.auth.keys.codes, userId, scope, code);
  }

  private async issue(user: UserRow, purpose: OtpPurpose, channel: Channel, meta: RequestMeta, action: string) {
    const now = this.clock.now();
    const code = newOtp();
    const outcome = await this.codes.transaction(async (tx) => {
      if (!(await this.codes.spendCodeIssue(user.id, now, this.config.auth.codeBudget, tx)))
        return (await this.pauseBudget(user, now, tx)) ? 'paused' : 'spent';
      await this.codes.upsertCode(
        {
          id: newId(),
          userId: user.id,
          purpose,
          codeHash: this.hash(user.id, purpose, channel.to, code),
          expiresAt: new Date(now.getTime() + OTP_TTL_MINUTES * 60_000),
          now,
        },
        tx,
      );
      // Started while the budget row is locked: codes of one account leave in the order they replaced
      // each other, so the last one sent is the live one. (Should the commit then fail, the message holds
      // a code that never matches: a wasted message, never a second live code.)
      this.deliver(channel, user.locale, purpose, code);
      return 'issued';
    });
    await this.audit.recordSafely({
      actor: anonymous,
      action,
      outcome: outcome === 'issued' ? 'success' : 'denied',
      subjectType: 'user',
      subjectId: user.id,
      meta,
      ...(outcome !== 'issued' && { details: { reason: 'code_budget_spent' } }),
    });
  }

  private async check<T>(
    user: UserRow,
    purpose: OtpPurpose,
    contact: string,
    code: string,
    meta: RequestMeta,
    onMatch: (tx: DbOrTx) => Promise<T>,
  ): Promise<T> {
    const now = this.clock.now();
    const caps = this.config.auth.codeBudget;
    // The guess is counted before the comparison, so parallel guesses cannot overrun the cap.
    const slot = await this.codes.reserveGuess(user.id, now, caps);
    const live = slot && (await this.codes.spendCodeAttempt(user.id, purpose, OTP_MAX_ATTEMPTS, now));
    if (slot && live && sameHash(live.codeHash, this.hash(user.id, purpose, contact, code))) {
      await this.codes.refundGuess(user.id, slot.windowStartedAt);
      return this.codes.transaction(async (tx) => {
        if (!(await this.codes.consumeCode(live.id, live.codeHash, now, tx))) throw invalidCode();
        return onMatch(tx);
      });
    }
    await this.audit.recordSafely({
      actor: anonymous,
      action: `auth.${purpose}`,
      outcome: 'failure',
      subjectType: 'user',
      subjectId: user.id,
      meta,
      ...(slot ? {} : { details: { reason: 'code_budget_spent' } }),
    });
    if (slot && slot.wrongGuesses >= caps.dailyWrongGuesses)
      await this.codes.transaction((tx) => this.pauseBudget(user, now, tx));
    throw invalidCode();
  }

  /** Pauses codes for the rest of the window; the one caller that paused it tells the owner (once). */
  private async pauseBudget(user: UserRow, now: Date, tx: DbOrTx): Promise<boolean> {
    if (!(await this.codes.pause(user.id, now, tx))) return false;
    const event: UserEvent = { userId: user.id, type: user.type, locale: user.locale };
    await this.outbox.publish(IdentityEvents.recoveryPaused, event, tx);
    await this.audit.record(
      { actor: anonymous, action: 'auth.recovery_paused', subjectType: 'user', subjectId: user.id },
      tx,
    );
    return true;
  }

  /**
   * Does not hold the answer: the reply neither waits on nor reveals the provider, so an outage or its
   * timing tells an attacker nothing. Codes go straight to the provider instead of the outbox because
   * they must never be stored in plain text.
   */
  private deliver(channel: Channel, locale: string, purpose: OtpPurpose, code: string): void {
    const text = otpText(locale, purpose, code);
    const sent =
      channel.kind === 'email'
        ? this.email.send({ to: channel.to, subject: otpSubject(locale, purpose), text })
        : this.sms.send({ to: channel.to, text });
    sent.catch((err: unknown) => this.logger.error(`one-time code delivery failed: ${(err as Error).message}`));
  }

  private async evenly(work: () => Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await work();
    } finally {
      const left = CODE_REQUEST_FLOOR_MS - (performance.now() - started);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    }
  }
}
