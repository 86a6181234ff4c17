import { Inject, Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { loginThrottles as t } from './identity.tables.js';

export interface ThrottleClaim {
  failures: number;
  lockedUntil: Date | null;
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * SQL of login throttling (rule 4). Every attempt is claimed by one upsert that counts it and refuses it in
 * the same statement (`ON CONFLICT DO UPDATE ... WHERE`): the row lock serialises concurrent claims on a
 * key, so a threshold holds exactly however many attempts race. Decides nothing: thresholds come in.
 */
@Injectable()
export class LoginThrottleRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  /**
   * Counts an attempt for an identifier + address unless the key is locked; the attempt that reaches
   * `threshold` sets the lock. A lock that has passed, or a count idle for `windowMs`, starts over.
   * Returns undefined when refused.
   */
  async claimPair(
    key: string,
    p: { threshold: number; lockMs: number; now: Date },
    tx: DbOrTx,
  ): Promise<ThrottleClaim | undefined> {
    const lockUntil = new Date(p.now.getTime() + p.lockMs);
    const fresh = sql`(${t.lockedUntil} IS NOT NULL OR ${t.updatedAt} <= ${ts(new Date(p.now.getTime() - p.lockMs))})`;
    const next = sql`(CASE WHEN ${fresh} THEN 1 ELSE ${t.failures} + 1 END)`;
    const [row] = await tx
      .insert(t)
      .values({ key, failures: 1, lockedUntil: p.threshold <= 1 ? lockUntil : null, updatedAt: p.now })
      .onConflictDoUpdate({
        target: t.key,
        set: {
          failures: next,
          lockedUntil: sql`CASE WHEN ${next} >= ${p.threshold}::int THEN ${ts(lockUntil)} ELSE NULL END`,
          updatedAt: p.now,
        },
        setWhere: sql`${t.lockedUntil} IS NULL OR ${t.lockedUntil} <= ${ts(p.now)}`,
      })
      .returning({ failures: t.failures, lockedUntil: t.lockedUntil });
    return row;
  }

  /**
   * Counts an attempt for an identifier from any address. The first `free` attempts pass at once; each
   * later one must wait until `locked_until`, which it pushes to now + base * 2^(n - free - 1) seconds,
   * capped at `maxSeconds` (the exponent is capped too, so no count can overflow the arithmetic).
   * A count idle for `windowMs` starts over. Returns undefined when the attempt comes too early.
   */
  async claimBackstop(
    key: string,
    p: { free: number; windowMs: number; baseSeconds: number; maxSeconds: number; now: Date },
    tx: DbOrTx,
  ): Promise<ThrottleClaim | undefined> {
    const next = sql`(CASE WHEN ${t.updatedAt} <= ${ts(new Date(p.now.getTime() - p.windowMs))} THEN 1 ELSE ${t.failures} + 1 END)`;
    const delay = sql`least(${p.baseSeconds}::float8 * power(2, least(${next} - ${p.free}::int - 1, 30)), ${p.maxSeconds}::float8)`;
    const first = p.free < 1 ? new Date(p.now.getTime() + Math.min(p.baseSeconds, p.maxSeconds) * 1000) : null;
    const [row] = await tx
      .insert(t)
      .values({ key, failures: 1, lockedUntil: first, updatedAt: p.now })
      .onConflictDoUpdate({
        target: t.key,
        set: {
          failures: next,
          lockedUntil: sql`CASE WHEN ${next} > ${p.free}::int THEN ${ts(p.now)} + make_interval(secs => ${delay}) ELSE NULL END`,
          updatedAt: p.now,
        },
        setWhere: sql`${t.lockedUntil} IS NULL OR ${t.lockedUntil} <= ${ts(p.now)}`,
      })
      .returning({ failures: t.failures, lockedUntil: t.lockedUntil });
    return row;
  }

  async lockedUntil(key: string): Promise<Date | null> {
    const [row] = await this.db.select({ lockedUntil: t.lockedUntil }).from(t).where(eq(t.key, key));
    return row?.lockedUntil ?? null;
  }

  /**
   * After a correct password, in one round trip: the pair starts over, and the backstop gives back the one
   * attempt this login counted (its last-attempt time and any delay stay as they are).
   */
  async settleSuccess(pairKey: string, backstopKey: string): Promise<void> {
    await this.db.execute(sql`
      WITH cleared AS (DELETE FROM ${t} WHERE ${t.key} = ${pairKey})
      UPDATE ${t} SET failures = greatest(${t.failures} - 1, 0) WHERE ${t.key} = ${backstopKey}`);
  }
}
