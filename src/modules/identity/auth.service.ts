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
import { LoginThrottleService } from './login-throttle.service.js';
import {
  hashToken,
  newRefreshToken,
  refreshSuccessorKey,
  signAccessToken,
  successorRefreshToken,
} from './identity.tokens.js';
import { toUserView } from './identity.view.js';
import { SessionStateService } from './session-state.service.js';

const anonymous = { kind: 'anonymous' } as const;
const invalidCredentials = () =>
  AppError.unauthenticated('auth/invalid-credentials', 'The identifier or password is wrong');
const invalidRefresh = () => AppError.unauthenticated('auth/invalid-refresh-token', 'The refresh token is invalid');

@Injectable()
export class AuthService {
  private readonly successorKey: Uint8Array;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repo: IdentityRepository,
    private readonly sessions: SessionStateService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly throttle: LoginThrottleService,
  ) {
    this.successorKey = refreshSuccessorKey(config.auth.keys.tokens);
  }

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
    // Claimed before the password is checked (see LoginThrottleService): the threshold holds under races.
    const claim = await this.throttle.claim(identifier, meta.ip);
    if ('refused' in claim) {
      await this.audit.recordSafely({
        actor: anonymous,
        action: 'auth.login',
        outcome: 'denied',
        meta,
        details: { reason: claim.refused },
      });
      throw claim.error;
    }
    const { attempt } = claim;
    const user = await this.repo.findUserByIdentifier(identifier.trim());
    const ok = user ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
    if (!user || !ok) {
      await this.audit.recordSafely({
        actor: anonymous,
        action: 'auth.login',
        outcome: 'failure',
        subjectType: user ? 'user' : undefined,
        subjectId: user?.id,
        meta,
      });
      if (attempt.locksPair && attempt.lockedUntil) {
        await this.audit.recordSafely({
          actor: anonymous,
          action: 'auth.lockout',
          subjectType: user ? 'user' : undefined,
          subjectId: user?.id,
          meta,
          details: { until: attempt.lockedUntil.toISOString() },
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
    await this.throttle.succeeded(attempt);
    return this.repo.transaction((tx) => this.openSession(user, meta, tx, 'auth.login'));
  }

  /**
   * Rotates the refresh token. A token used twice ends its whole family (a thief and the owner both lose
   * it), except within REFRESH_REUSE_GRACE_SECONDS of its rotation while its successor is still the live
   * token of the same session: then it was a second tab racing the first, and it gets the same successor.
   */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenResponse> {
    const tokenHash = hashToken(refreshToken);
    const successor = successorRefreshToken(this.successorKey, refreshToken);
    const now = this.clock.now();
    type Outcome = { tokens: TokenResponse } | { invalid: true } | { rotated: true };
    const result = await this.repo.transaction(async (tx): Promise<Outcome> => {
      const rotated = await this.repo.rotateRefreshToken(tokenHash, now, tx);
      if (!rotated) return { rotated: true };
      const live = await this.liveSession(rotated.sessionId, tx);
      if (!live || rotated.expiresAt <= now) return { invalid: true };
      await this.repo.touchSession(live.session.id, tx);
      await this.insertRefreshToken(live.session.id, successor, tx);
      return { tokens: await this.tokenResponse(live.user, live.session.id, successor, tx) };
    });
    if ('tokens' in result) return result.tokens;
    if ('invalid' in result) throw invalidRefresh();
    const known = await this.repo.findRefreshToken(tokenHash);
    if (!known) throw invalidRefresh();
    const again = await this.graceReplay(known, successor, now);
    if (again) return again;
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

  /**
   * The pair for a just-rotated token presented again: its successor (re-derived, never stored) with a
   * freshly signed access token of the same session. Only while the successor is the session's live token:
   * a token two rotations old is a replay whatever the time.
   */
  private async graceReplay(
    known: { sessionId: string; rotatedAt: Date | null },
    successor: string,
    now: Date,
  ): Promise<TokenResponse | undefined> {
    const graceMs = this.config.auth.refreshReuseGraceSeconds * 1000;
    if (!known.rotatedAt || now.getTime() - known.rotatedAt.getTime() > graceMs) return undefined;
    const next = await this.repo.findRefreshToken(hashToken(successor));
    if (!next || next.sessionId !== known.sessionId || next.rotatedAt || next.expiresAt <= now) return undefined;
    const live = await this.liveSession(known.sessionId, this.repo.db);
    return live && this.tokenResponse(live.user, live.session.id, successor, this.repo.db);
  }

  private async liveSession(sessionId: string, tx: DbOrTx) {
    const session = await this.repo.findSession(sessionId, tx);
    const user = session && (await this.repo.findUserById(session.userId, tx));
    if (!session || !user || session.revokedAt || user.status === 'suspended') return undefined;
    return { session, user };
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
    // The first token of a family is random; each later one is derived from its predecessor (see refresh).
    const refreshToken = newRefreshToken();
    await this.insertRefreshToken(sessionId, refreshToken, tx);
    return this.tokenResponse(user, sessionId, refreshToken, tx);
  }

  private async insertRefreshToken(sessionId: string, refreshToken: string, tx: DbOrTx): Promise<void> {
    const expiresAt = new Date(this.clock.now().getTime() + this.config.auth.refreshTokenTtlDays * 86_400_000);
    await this.repo.insertRefreshToken({ sessionId, tokenHash: hashToken(refreshToken), expiresAt }, tx);
  }

  private async tokenResponse(
    user: UserRow,
    sessionId: string,
    refreshToken: string,
    tx: DbOrTx,
  ): Promise<TokenResponse> {
    const { accessTokenTtlSeconds } = this.config.auth;
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
}
