import { Injectable } from '@nestjs/common';
import type { UserActor } from '../../kernel/auth/index.js';
import { AppError } from '../../kernel/errors/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { OutboxService } from '../../kernel/events/index.js';
import { AuditService } from '../audit/index.js';
import { IdentityEvents, type UserEvent } from './identity.events.js';
import { AuthService } from './auth.service.js';
import type { UpdateMeBody, UserView } from './identity.dto.js';
import { assertPasswordAcceptable, hashPassword, verifyPassword } from './identity.passwords.js';
import { IdentityRepository, type UserRow } from './identity.repository.js';
import { toUserView } from './identity.view.js';

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

  async update(actor: UserActor, body: UpdateMeBody, meta: RequestMeta): Promise<{ user: UserView }> {
    const current = await this.load(actor.userId);
    const email = body.email !== undefined && body.email !== current.email?.toLowerCase() ? body.email : undefined;
    const phone = body.phone !== undefined && body.phone !== current.phone ? body.phone : undefined;
    if ((email || phone) && (await this.repo.contactTaken(email, phone, actor.userId))) {
      throw AppError.conflict('identity/contact-taken', 'This email or phone cannot be used');
    }
    const updated = await this.repo
      .updateUser(actor.userId, {
        ...(body.name !== undefined && { name: body.name }),
        ...(body.locale !== undefined && { locale: body.locale }),
        ...(email !== undefined && { email }),
        // A new phone number must be verified again.
        ...(phone !== undefined && { phone, phoneVerifiedAt: null }),
      })
      .catch((err: { code?: string; cause?: { code?: string } }) => {
        if (err.code === '23505' || err.cause?.code === '23505')
          throw AppError.conflict('identity/contact-taken', 'This email or phone cannot be used');
        throw err;
      });
    if (email || phone)
      await this.audit.recordSafely({
        actor,
        action: 'identity.contact_changed',
        subjectType: 'user',
        subjectId: actor.userId,
        meta,
      });
    return { user: await this.view(updated!) };
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
      throw new AppError('validation', 'auth/wrong-password', 'The current password is wrong', {
        errors: [{ field: 'currentPassword', code: 'wrong_password', message: 'is wrong' }],
      });
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
