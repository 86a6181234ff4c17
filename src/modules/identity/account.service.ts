import { Injectable } from '@nestjs/common';
import type { UserActor } from '../../kernel/auth/index.js';
import { AppError } from '../../kernel/errors/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { OutboxService } from '../../kernel/events/index.js';
import { AuditService } from '../audit/index.js';
import { IdentityEvents, type ContactChangedEvent, type UserEvent } from './identity.events.js';
import { AuthService } from './auth.service.js';
import type { UpdateMeBody, UserView } from './identity.dto.js';
import { assertPasswordAcceptable, hashPassword, verifyPassword } from './identity.passwords.js';
import { IdentityRepository, type UserRow } from './identity.repository.js';
import { toUserView } from './identity.view.js';

const wrongPassword = () =>
  new AppError('validation', 'auth/wrong-password', 'The current password is wrong', {
    errors: [{ field: 'currentPassword', code: 'wrong_password', message: 'is wrong' }],
  });

/** A signed-in person managing their own account. */
@Injectable()
export class AccountService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async me(actor: UserActor): Promise<{ user: UserView }> {
    return { user: await this.view(await this.load(actor.userId)) };
  }

  /**
   * Name and locale change freely. A new email or phone needs the current password (a stolen access token
   * alone must not redirect recovery), is stored unverified until a code sent to it is entered (codes and
   * resets go only to verified contacts), and the replaced contact is told (identity.notices.ts). Login
   * keeps working by the stored identifier, verified or not: the password is what proves the person.
   */
  async update(actor: UserActor, body: UpdateMeBody, meta: RequestMeta): Promise<{ user: UserView }> {
    const current = await this.load(actor.userId);
    const email = body.email !== undefined && body.email !== current.email?.toLowerCase() ? body.email : undefined;
    const phone = body.phone !== undefined && body.phone !== current.phone ? body.phone : undefined;
    if (email || phone) await this.requirePassword(actor, current, body.currentPassword, meta);
    if ((email || phone) && (await this.repo.contactTaken(email, phone, actor.userId))) {
      throw AppError.conflict('identity/contact-taken', 'This email or phone cannot be used');
    }
    const updated = await this.repo
      .transaction(async (tx) => {
        const row = await this.repo.updateUser(
          actor.userId,
          {
            ...(body.name !== undefined && { name: body.name }),
            ...(body.locale !== undefined && { locale: body.locale }),
            ...(email !== undefined && { email, emailVerifiedAt: null }),
            ...(phone !== undefined && { phone, phoneVerifiedAt: null }),
          },
          tx,
        );
        const changes = [
          { kind: 'email' as const, previous: current.email, next: email },
          { kind: 'phone' as const, previous: current.phone, next: phone },
        ];
        for (const c of changes) {
          if (!c.next || !c.previous) continue;
          const event: ContactChangedEvent = {
            userId: current.id,
            type: current.type,
            locale: row?.locale ?? current.locale,
            kind: c.kind,
            previous: c.previous,
            current: c.next,
          };
          await this.outbox.publish(IdentityEvents.contactChanged, event, tx);
        }
        if (email || phone)
          await this.audit.record(
            {
              actor,
              action: 'identity.contact_changed',
              subjectType: 'user',
              subjectId: actor.userId,
              meta,
              details: { email: email !== undefined, phone: phone !== undefined },
            },
            tx,
          );
        return row;
      })
      .catch((err: { code?: string; cause?: { code?: string } }) => {
        if (err.code === '23505' || err.cause?.code === '23505')
          throw AppError.conflict('identity/contact-taken', 'This email or phone cannot be used');
        throw err;
      });
    return { user: await this.view(updated!) };
  }

  private async requirePassword(
    actor: UserActor,
    user: UserRow,
    password: string | undefined,
    meta: RequestMeta,
  ): Promise<void> {
    if (password === undefined)
      throw new AppError('validation', 'identity/current-password-required', 'Enter your current password', {
        errors: [{ field: 'currentPassword', code: 'required', message: 'is required to change email or phone' }],
      });
    if (await verifyPassword(user.passwordHash, password)) return;
    await this.audit.recordSafely({
      actor,
      action: 'identity.contact_change',
      outcome: 'failure',
      subjectType: 'user',
      subjectId: user.id,
      meta,
      details: { reason: 'wrong_password' },
    });
    throw wrongPassword();
  }

  async changePassword(
    actor: UserActor,
    currentPassword: string,
    newPassword: string,
    meta: RequestMeta,
  ): Promise<void> {
    const user = await this.load(actor.userId);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      await this.audit.recordSafely({
        actor,
        action: 'auth.password_change',
        outcome: 'failure',
        subjectType: 'user',
        subjectId: user.id,
        meta,
      });
      throw wrongPassword();
    }
    assertPasswordAcceptable(newPassword, [user.email, user.phone, user.name], 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    const ended = await this.repo.transaction(async (tx) => {
      await this.repo.updateUser(user.id, { passwordHash }, tx);
      // Tells the person, in their language once notifications exist, that their password changed.
      const changed: UserEvent = { userId: user.id, type: user.type, locale: user.locale };
      await this.outbox.publish(IdentityEvents.passwordChanged, changed, tx);
      await this.audit.record(
        { actor, action: 'auth.password_change', subjectType: 'user', subjectId: user.id, meta },
        tx,
      );
      return this.auth.endAllSessions(user.id, 'password_change', tx);
    });
    await this.auth.forgetSessions(ended);
  }

  private async load(userId: string): Promise<UserRow> {
    const user = await this.repo.findUserById(userId);
    if (!user) throw AppError.notFound('identity/user-not-found', 'The user was not found');
    return user;
  }

  private async view(user: UserRow): Promise<UserView> {
    return toUserView(user, await this.repo.rolesOf([user.id]));
  }
}
