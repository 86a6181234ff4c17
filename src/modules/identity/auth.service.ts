import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { AppError } from '../../kernel/errors/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { OutboxService } from '../../kernel/events/index.js';
import { AuditService } from '../audit/index.js';
import { IdentityEvents, type UserEvent } from './identity.events.js';
import type { RegisterBody, TokenResponse } from './identity.dto.js';
import { assertPasswordAcceptable, burnPasswordCheck, hashPassword, verifyPassword } from './identity.passwords.js';
import { IdentityRepository, type UserRow } from './identity.repository.js';
import { hashToken, identifierKey, newRefreshToken, signAccessToken } from './identity.tokens.js';
import { toUserView } from './identity.view.js';
import { SessionStateService } from './session-state.service.js';

const anonymous = { kind: 'anonymous' } as const;
const invalidCredentials = () =>
  AppError.unauthenticated('auth/invalid-credentials', 'The identifier or password is wrong');
const invalidRefresh = () => AppError.unauthenticated('auth/invalid-refresh-token', 'The refresh token is invalid');

@Injectable()
export class AuthService {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repo: IdentityRepository,
    private readonly sessions: SessionStateService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async register(body: RegisterBody, meta: RequestMeta): Promise<TokenResponse> {
    assertPasswordAcceptable(body.password, [body.email, body.phone, body.name]);
    // One answer for a taken email or phone, naming neither (see the closing note on enumeration).
    const conflict = () =>
      AppError.conflict('identity/registration-conflict', 'An account cannot be created with these details');
    if (await this.repo.contactTaken(body.email, body.phone)) throw conflict();
    const passwordHash = await hashPassword(body.password);
    return this.repo.transaction(async (tx) => {
      const user = await this.repo.insertUser(
        {
          type: body.type,
          name: body.name,
          email: body.email ?? null,
          phone: body.phone ?? null,
          passwordHash,
          locale: body.locale,
          // A doctor practises only after an admin has checked the licence.
          status: body.type === 'doctor' ? 'pending_approval' : 'active',
        },
        tx,
      );
      if (!user) throw conflict();
      await this.outbox.publish(
        IdentityEvents.userRegistered,
        { userId: user.id, type: user.type, locale: user.locale } satisfies UserEvent,
        tx,
      );
      await this.audit.record(
        {
          actor: anonymous,
          action: 'identity.register',
          subjectType: 'user',
          subjectId: user.id,
          meta,
          details: { type: user.type },
        },
        tx,
      );
      return this.openSession(user, meta, tx, 'auth.login');
    });
  }

  async login(identifier: string, password: string, meta: RequestMeta): Promise<TokenResponse> {
    const throttleKey = identifierKey(identifier);
    const now = this.clock.now();
    const lockedUntil = await this.repo.lockedUntil(throttleKey);
    if (lockedUntil && lockedUntil > now) {
      await this.audit.recordSafely({
        actor: anonymous,
        action: 'auth.login',
        outcome: 'denied',
        meta,
        details: { reason: 'locked' },
      });
      throw this.lockedError(lockedUntil, now);
    }
    const user = await this.repo.findUserByIdentifier(identifier.trim());
    const ok = user ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
    if (!user || !ok) {
      const { auth } = this.config;
      const state = await this.repo.recordLoginFailure(
        throttleKey,
        auth.lockoutThreshold,
        new Date(now.getTime() + auth.lockoutMinutes * 60_000),
      );
      await this.audit.recordSafely({
        actor: anonymous,
        action: 'auth.login',
        outcome: 'failure',
        subjectType: user ? 'user' : undefined,
        subjectId: user?.id,
        meta,
      });
      if (state?.lockedUntil && state.lockedUntil > now) {
        await this.audit.recordSafely({
          actor: anonymous,
          action: 'auth.lockout',
          subjectType: user ? 'user' : undefined,
          subjectId: user?.id,
          meta,
          details: { until: state.lockedUntil.toISOString() },
        });
      }
      throw invalidCredentials();
    }
    if (user.status === 'suspended') {
      await this.audit.recordSafely({
        actor: anonymous,
        action: 'auth.login',
        outcome: 'denied',
        subjectType: 'user',
        subjectId: user.id,
        meta,
        details: { reason: 'suspended' },
      });
      throw AppError.forbidden('auth/account-suspended', 'This account is suspended');
    }
    await this.repo.clearLoginFailures(throttleKey);
    return this.repo.transaction((tx) => this.openSession(user, meta, tx, 'auth.login'));
  }

  /** Rotates the refresh token. A token used twice ends its whole family: a thief and the owner both lose it. */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenResponse> {
    const tokenHash = hashToken(refreshToken);
    const now = this.clock.now();
    type Outcome = { tokens: TokenResponse } | { invalid: true } | { reused: true };
    const result = await this.repo.transaction(async (tx): Promise<Outcome> => {
      const rotated = await this.repo.rotateRefreshToken(tokenHash, now, tx);
      if (!rotated) return { reused: true };
      const session = await this.repo.findSession(rotated.sessionId, tx);
      const user = session && (await this.repo.findUserById(session.userId, tx));
      if (!session || !user || session.revokedAt || rotated.expiresAt <= now || user.status === 'suspended')
        return { invalid: true };
      await this.repo.touchSession(session.id, tx);
      return { tokens: await this.issueTokens(user, session.id, tx) };
    });
    if ('tokens' in result) return result.tokens;
    if ('invalid' in result) throw invalidRefresh();
    const known = await this.repo.findRefreshToken(tokenHash);
    if (!known) throw invalidRefresh();
    const session = await this.repo.findSession(known.sessionId);
    if (session && !session.revokedAt) {
      await this.repo.revokeSession(session.id, 'refresh_token_reuse');
      await this.sessions.forget([session.id]);
      await this.audit.recordSafely({
        actor: anonymous,
        action: 'auth.refresh_reuse',
        outcome: 'denied',
        subjectType: 'user',
        subjectId: session.userId,
        meta,
        details: { sessionId: session.id },
      });
    }
    throw AppError.unauthenticated(
      'auth/refresh-token-reused',
      'This refresh token was already used; the session has been ended',
    );
  }

  async logout(actor: UserActor, meta: RequestMeta): Promise<void> {
    await this.repo.revokeSession(actor.sessionId, 'logout');
    await this.sessions.forget([actor.sessionId]);
    await this.audit.recordSafely({ actor, action: 'auth.logout', subjectType: 'user', subjectId: actor.userId, meta });
  }

  async logoutAll(actor: UserActor, meta: RequestMeta): Promise<void> {
    await this.endAllSessions(actor.userId, 'logout_all');
    await this.audit.recordSafely({
      actor,
      action: 'auth.logout_all',
      subjectType: 'user',
      subjectId: actor.userId,
      meta,
    });
  }

  /**
   * Ends every session of the user (logout everywhere, password change, suspension). Inside a caller's
   * transaction it returns the session ids, which the caller must `forgetSessions` after commit.
   */
  async endAllSessions(userId: string, reason: string, tx?: DbOrTx): Promise<string[]> {
    const run = async (t: DbOrTx) => {
      const ids = await this.repo.revokeAllSessions(userId, reason, t);
      await this.repo.bumpSessionVersion(userId, t);
      return ids;
    };
    if (tx) return run(tx);
    const ids = await this.repo.transaction(run);
    await this.sessions.forget(ids);
    return ids;
  }

  forgetSessions(ids: string[]): Promise<void> {
    return this.sessions.forget(ids);
  }

  async openSession(user: UserRow, meta: RequestMeta, tx: DbOrTx, action: string): Promise<TokenResponse> {
    const sessionId = await this.repo.createSession({ userId: user.id, userAgent: meta.userAgent, ip: meta.ip }, tx);
    await this.audit.record(
      {
        actor: { kind: 'account', userId: user.id, accountType: user.type },
        action,
        subjectType: 'user',
        subjectId: user.id,
        meta,
        details: { sessionId },
      },
      tx,
    );
    return this.issueTokens(user, sessionId, tx);
  }

  private async issueTokens(user: UserRow, sessionId: string, tx: DbOrTx): Promise<TokenResponse> {
    const { accessTokenTtlSeconds, refreshTokenTtlDays } = this.config.auth;
    const refreshToken = newRefreshToken();
    await this.repo.insertRefreshToken(
      {
        sessionId,
        tokenHash: hashToken(refreshToken),
        expiresAt: new Date(this.clock.now().getTime() + refreshTokenTtlDays * 86_400_000),
      },
      tx,
    );
    const accessToken = await signAccessToken(
      { sub: user.id, sid: sessionId, sv: user.sessionVersion },
      this.sessions.signingSecret,
      accessTokenTtlSeconds,
    );
    const roles = await this.repo.rolesOf([user.id], tx);
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: accessTokenTtlSeconds,
      user: toUserView(user, roles),
    };
  }

  private lockedError(until: Date, now: Date): AppError {
    return new AppError('locked', 'auth/account-locked', 'Too many failed attempts; try again later', {
      retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)),
    });
  }
}
