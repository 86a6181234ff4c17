import { Inject, Injectable } from '@nestjs/common';
import { and, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { DB, type Db } from '../../db/client.js';
import { loginThrottles, oneTimeCodes, refreshTokens, sessions } from './identity.tables.js';

/** How long an ended session or an idle throttle is kept (forensics, "signed out here" answers). */
const KEEP_MS = 7 * 24 * 3_600_000;

/**
 * SQL of identity retention (rule 4): rows with no further use. Deleting any of them is safe in the
 * direction that matters: a missing session refuses its tokens, a missing throttle row is one that was
 * already forgotten (every throttle window is far shorter than a week, and a row still locked stays).
 */
@Injectable()
export class IdentityRetentionRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async prune(now: Date): Promise<void> {
    const before = new Date(now.getTime() - KEEP_MS);
    // A used code can never be entered again (the live one for the purpose is unconsumed).
    await this.db.delete(oneTimeCodes).where(isNotNull(oneTimeCodes.consumedAt));
    // Ended: revoked, or its refresh tokens all expired (pruned) so it can never be refreshed again.
    await this.db
      .delete(sessions)
      .where(
        or(
          lt(sessions.revokedAt, before),
          and(
            lt(sessions.lastUsedAt, before),
            sql`NOT EXISTS (SELECT 1 FROM ${refreshTokens} WHERE ${refreshTokens.sessionId} = ${sessions.id} AND ${refreshTokens.expiresAt} > ${now.toISOString()}::timestamptz)`,
          ),
        ),
      );
    await this.db
      .delete(loginThrottles)
      .where(
        and(
          lt(loginThrottles.updatedAt, before),
          or(isNull(loginThrottles.lockedUntil), lt(loginThrottles.lockedUntil, now)),
        ),
      );
  }
}
