import { Inject, Injectable } from '@nestjs/common';
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { DB, type Db } from '../../db/client.js';
import { newId } from '../ids.js';
import { idempotencyKeys } from './idempotency.tables.js';

export interface StoredKey {
  requestHash: string;
  statusCode: number | null;
  responseBody: unknown;
}

export type Claim = { owned: true; claimId: string } | { owned: false; stored: StoredKey | undefined };

const PRUNE_BATCH = 5_000;

@Injectable()
export class IdempotencyRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /**
   * Claims the key, or takes it over when it has expired (created before `expiredBefore`: treated as new)
   * or is a claim nobody completed since `staleBefore` (its process died). One statement: the conflict
   * takes the row lock and re-checks the condition on the row as the previous taker left it, so of many
   * concurrent takers exactly one wins.
   */
  async claim(
    scope: string,
    key: string,
    requestHash: string,
    at: { now: Date; expiredBefore: Date; staleBefore: Date },
  ): Promise<Claim> {
    const claimId = newId();
    const t = idempotencyKeys;
    const [row] = await this.db
      .insert(t)
      .values({ scope, key, requestHash, claimId, claimedAt: at.now, createdAt: at.now })
      .onConflictDoUpdate({
        target: [t.scope, t.key],
        set: {
          requestHash,
          claimId,
          claimedAt: at.now,
          createdAt: at.now,
          statusCode: null,
          responseBody: null,
          completedAt: null,
        },
        where: or(lt(t.createdAt, at.expiredBefore), and(isNull(t.completedAt), lt(t.claimedAt, at.staleBefore))),
      })
      .returning({ claimId: t.claimId });
    if (row?.claimId === claimId) return { owned: true, claimId };
    const [stored] = await this.db
      .select({ requestHash: t.requestHash, statusCode: t.statusCode, responseBody: t.responseBody })
      .from(t)
      .where(and(eq(t.scope, scope), eq(t.key, key)));
    return { owned: false, stored };
  }

  /** Stores the answer, only while this request still holds the claim. */
  async complete(scope: string, key: string, claimId: string, statusCode: number, responseBody: unknown) {
    await this.db
      .update(idempotencyKeys)
      .set({ statusCode, responseBody: responseBody ?? null, completedAt: new Date() })
      .where(this.held(scope, key, claimId));
  }

  /** Frees the key after a failed attempt, only while this request still holds the claim. */
  async release(scope: string, key: string, claimId: string): Promise<void> {
    await this.db
      .delete(idempotencyKeys)
      .where(and(this.held(scope, key, claimId), isNull(idempotencyKeys.completedAt)));
  }

  /** Deletes keys created before `expiredBefore`, in batches (a long delete would hold locks); returns the count. */
  async pruneExpired(expiredBefore: Date): Promise<number> {
    const t = idempotencyKeys;
    let total = 0;
    for (;;) {
      const batch = this.db
        .select({ scope: t.scope, key: t.key })
        .from(t)
        .where(lt(t.createdAt, expiredBefore))
        .limit(PRUNE_BATCH);
      const deleted = await this.db
        .delete(t)
        .where(and(inArray(sql`(${t.scope}, ${t.key})`, batch), lt(t.createdAt, expiredBefore)))
        .returning({ key: t.key });
      total += deleted.length;
      if (deleted.length < PRUNE_BATCH) return total;
    }
  }

  private held(scope: string, key: string, claimId: string) {
    const t = idempotencyKeys;
    return and(eq(t.scope, scope), eq(t.key, key), eq(t.claimId, claimId));
  }
}
