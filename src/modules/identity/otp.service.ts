import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { EMAIL_SENDER, SMS_SENDER, type EmailSender, type SmsSender } from '../../kernel/messaging/index.js';
import { AuditService } from '../audit/index.js';
import { AuthService } from './auth.service.js';
import { assertPasswordAcceptable, hashPassword } from './identity.passwords.js';
import { IdentityRepository, type OtpPurpose, type UserRow } from './identity.repository.js';
import { hashOtp, newOtp, sameHash } from './identity.tokens.js';
import { otpText } from './identity.texts.js';

export const OTP_TTL_MINUTES = 10;
export const OTP_MAX_ATTEMPTS = 5;
const invalidCode = () => new AppError('validation', 'auth/invalid-code', 'The code is wrong or expired');

/**
 * Phone verification and password reset by 6-digit codes: 10 minutes, 5 attempts, stored as a keyed hash.
 * Requests answer the same whether or not the account exists.
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
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  async requestPhoneVerification(phone: string, meta: RequestMeta): Promise<void> {
    const user = await this.repo.findUserByIdentifier(phone);
    if (!user || user.phoneVerifiedAt || user.status === 'suspended') return;
    const code = await this.issue(user, 'phone_verification');
    this.deliver(() => this.sms.send({ to: phone, text: otpText(user.locale, 'phone_verification', code) }));
    await this.audit.recordSafely({
      actor: { kind: 'anonymous' },
      action: 'auth.otp_requested',
      subjectType: 'user',
      subjectId: user.id,
      meta,
    });
  }

  async verifyPhone(phone: string, code: string, meta: RequestMeta): Promise<void> {
    const user = await this.repo.findUserByIdentifier(phone);
    if (!user) throw invalidCode();
    await this.check(user, 'phone_verification', code, meta, async (codeId) => {
      await this.repo.transaction(async (tx) => {
        if (!(await this.repo.consumeCode(codeId, tx))) throw invalidCode();
        await this.repo.updateUser(user.id, { phoneVerifiedAt: this.clock.now() }, tx);
      });
    });
  }

  async forgotPassword(identifier: string, meta: RequestMeta): Promise<void> {
    const user = await this.repo.findUserByIdentifier(identifier.trim());
    if (!user || user.status === 'suspended') return;
    const code = await this.issue(user, 'password_reset');
    const text = otpText(user.locale, 'password_reset', code);
    const { email, phone } = user;
    if (identifier.includes('@') && email) {
      const subject = user.locale === 'ar' ? 'إعادة تعيين كلمة المرور' : 'Reset your Medyour password';
      this.deliver(() => this.email.send({ to: email, subject, text }));
    } else if (phone) {
      this.deliver(() => this.sms.send({ to: phone, text }));
    }
    await this.audit.recordSafely({
      actor: { kind: 'anonymous' },
      action: 'auth.password_reset_requested',
      subjectType: 'user',
      subjectId: user.id,
      meta,
    });
  }

  async resetPassword(identifier: string, code: string, newPassword: string, meta: RequestMeta): Promise<void> {
    const user = await this.repo.findUserByIdentifier(identifier.trim());
    if (!user) throw invalidCode();
    assertPasswordAcceptable(newPassword, [user.email, user.phone, user.name], 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    await this.check(user, 'password_reset', code, meta, async (codeId) => {
      const ended = await this.repo.transaction(async (tx) => {
        if (!(await this.repo.consumeCode(codeId, tx))) throw invalidCode();
        await this.repo.updateUser(user.id, { passwordHash }, tx);
        await this.audit.record(
          {
            actor: { kind: 'anonymous' },
            action: 'auth.password_reset',
            subjectType: 'user',
            subjectId: user.id,
            meta,
          },
          tx,
        );
        return this.auth.endAllSessions(user.id, 'password_reset', tx);
      });
      await this.auth.forgetSessions(ended);
    });
  }

  /**
   * Sends after the code's row has committed, without holding the answer: the reply (always 202) neither
   * waits on nor reveals the provider, so an outage or its timing tells an attacker nothing. Codes go
   * straight to the provider instead of the outbox because they must never be stored in plain text.
   */
  private deliver(send: () => Promise<void>): void {
    send().catch((err: unknown) => this.logger.error(`one-time code delivery failed: ${(err as Error).message}`));
  }

  private async issue(user: UserRow, purpose: OtpPurpose): Promise<string> {
    const code = newOtp();
    await this.repo.replaceCode({
      userId: user.id,
      purpose,
      codeHash: hashOtp(this.config.auth.keys.codes, user.id, purpose, code),
      expiresAt: new Date(this.clock.now().getTime() + OTP_TTL_MINUTES * 60_000),
    });
    return code;
  }

  private async check(
    user: UserRow,
    purpose: OtpPurpose,
    code: string,
    meta: RequestMeta,
    onMatch: (codeId: string) => Promise<void>,
  ): Promise<void> {
    const live = await this.repo.spendCodeAttempt(user.id, purpose, OTP_MAX_ATTEMPTS, this.clock.now());
    if (!live || !sameHash(live.codeHash, hashOtp(this.config.auth.keys.codes, user.id, purpose, code))) {
      await this.audit.recordSafely({
        actor: { kind: 'anonymous' },
        action: `auth.${purpose}`,
        outcome: 'failure',
        subjectType: 'user',
        subjectId: user.id,
        meta,
      });
      throw invalidCode();
    }
    await onMatch(live.id);
  }
}
