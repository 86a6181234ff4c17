import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { buildUserActor, type AccessTokenVerifier, type RoleName, type UserActor } from '../../kernel/auth/index.js';
import { CacheService } from '../../kernel/cache/index.js';
import { AppError } from '../../kernel/errors/index.js';
import { RealtimeService } from '../../kernel/realtime/index.js';
import { IdentityRepository } from './identity.repository.js';
import { verifyAccessToken } from './identity.tokens.js';

interface SessionState {
  userId: string;
  type: 'customer' | 'doctor' | 'staff';
  status: 'active' | 'pending_approval' | 'suspended';
  sessionVersion: number;
  revoked: boolean;
  roles: { role: string; branchId: string | null }[];
}

const key = (sessionId: string) => `auth:session:${sessionId}`;
const STATE_TTL_SECONDS = 60;

/**
 * Verifies access tokens for the global guard: signature and expiry, then the session's live state
 * (revoked? suspended? session version bumped? roles now?) through the cache, so revocation is immediate.
 */
@Injectable()
export class SessionStateService implements AccessTokenVerifier {
  private readonly secret: Uint8Array;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly repo: IdentityRepository,
    private readonly cache: CacheService,
    private readonly realtime: RealtimeService,
  ) {
    this.secret = new TextEncoder().encode(config.auth.keys.tokens);
  }

  get signingSecret(): Uint8Array {
    return this.secret;
  }

  async verify(token: string): Promise<UserActor> {
    const claims = await verifyAccessToken(token, this.secret);
    if (!claims) throw AppError.unauthenticated('auth/invalid-token', 'The access token is invalid or expired');
    const state = await this.cache.getOrLoad(key(claims.sid), STATE_TTL_SECONDS, () => this.load(claims.sid));
    if (
      !state ||
      state.revoked ||
      state.userId !== claims.sub ||
      state.status === 'suspended' ||
      state.sessionVersion !== claims.sv
    ) {
      throw AppError.unauthenticated('auth/invalid-token', 'The access token is invalid or expired');
    }
    return buildUserActor({
      userId: state.userId,
      sessionId: claims.sid,
      accountType: state.type,
      roles: state.roles.map((r) => ({ role: r.role as RoleName, branchId: r.branchId })),
    });
  }

  /** Drops cached state after a change to the sessions or the user behind them; their sockets are re-checked. */
  async forget(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.cache.del(...sessionIds.map(key));
    this.realtime.sessionsChanged(sessionIds);
  }

  private async load(sessionId: string): Promise<SessionState | null> {
    const row = await this.repo.sessionAuthState(sessionId);
    if (!row) return null;
    return {
      userId: row.userId,
      type: row.type,
      status: row.status,
      sessionVersion: row.sessionVersion,
      revoked: row.revokedAt !== null,
      roles: row.roles,
    };
  }
}
