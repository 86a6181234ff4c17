import { Inject, Injectable } from '@nestjs/common';
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { codeBudgets, oneTimeCodes } from './identity.tables.js';

export type OtpPurpose = (typeof oneTimeCodes.$inferSelect)['purpose'];
export interface BudgetCaps {
  dailyCodes: number;
  dailyWrongGuesses: number;
}
export const BUDGET_WINDOW_MS = 86_400_000;

const b = codeBudgets;
/** The row's window began before `cutoff`: it has ended, and the counts start again. */
const ended = (cutoff: Date) => sql`${b.windowStartedAt} <= ${cutoff.toISOString()}::timestamptz`;

/** One-time codes and the per-account budget that limits them (rule 4: SQL only, decides nothing). */
@Injectable()
export class IdentityCodesRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  // ---- budget
  /**
   * Counts one code against the account's budget, atomically: returns the row, or nothing when the budget
   * is paused or its code cap already reached. The row stays locked until the caller's transaction ends,
   * so every code of one account is issued (and sent) one after another.
   */
  async spendCodeIssue(userId: string, now: Date, caps: BudgetCaps, tx: DbOrTx) {
    const cutoff = new Date(now.getTime() - BUDGET_WINDOW_MS);
    const [row] = await tx
      .insert(b)
      .values({ userId, windowStartedAt: now, codesIssued: 1, wrongGuesses: 0 })
      .onConflictDoUpdate({
        target: b.userId,
        set: {
          windowStartedAt: sql`CASE WHEN ${ended(cutoff)} THEN ${now.toISOString()}::timestamptz ELSE ${b.windowStartedAt} END`,
          codesIssued: sql`CASE WHEN ${ended(cutoff)} THEN 1 ELSE ${b.codesIssued} + 1 END`,
          wrongGuesses: sql`CASE WHEN ${ended(cutoff)} THEN 0 ELSE ${b.wrongGuesses} END`,
          pausedAt: sql`CASE WHEN ${ended(cutoff)} THEN NULL ELSE ${b.pausedAt} END`,
        },
        setWhere: sql`${ended(cutoff)} OR (${b.pausedAt} IS NULL AND ${b.codesIssued} < ${caps.dailyCodes})`,
      })
      .returning({ codesIssued: b.codesIssued });
    return row;
  }

  /**
   * Takes one guess from the budget before the code is compared, atomically: of 20 parallel guesses only
   * as many as are left get a row back. A right guess gives it back (`refundGuess`).
   */
  async reserveGuess(userId: string, now: Date, caps: BudgetCaps) {
    const cutoff = new Date(now.getTime() - BUDGET_WINDOW_MS);
    const [row] = await this.db
      .insert(b)
      .values({ userId, windowStartedAt: now, codesIssued: 0, wrongGuesses: 1 })
      .onConflictDoUpdate({
        target: b.userId,
        set: {
          windowStartedAt: sql`CASE WHEN ${ended(cutoff)} THEN ${now.toISOString()}::timestamptz ELSE ${b.windowStartedAt} END`,
          codesIssued: sql`CASE WHEN ${ended(cutoff)} THEN 0 ELSE ${b.codesIssued} END`,
          wrongGuesses: sql`CASE WHEN ${ended(cutoff)} THEN 1 ELSE ${b.wrongGuesses} + 1 END`,
          pausedAt: sql`CASE WHEN ${ended(cutoff)} THEN NULL ELSE ${b.pausedAt} END`,
        },
        setWhere: sql`${ended(cutoff)} OR (${b.pausedAt} IS NULL AND ${b.wrongGuesses} < ${caps.dailyWrongGuesses})`,
      })
      .returning({ wrongGuesses: b.wrongGuesses, windowStartedAt: b.windowStartedAt });
    return row;
  }

  async refundGuess(userId: string, windowStartedAt: Date): Promise<void> {
    await this.db
      .update(b)
      .set({ wrongGuesses: sql`${b.wrongGuesses} - 1` })
      .where(and(eq(b.userId, userId), eq(b.windowStartedAt, windowStartedAt), gt(b.wrongGuesses, 0)));
  }

  /** Pauses the budget for the rest of its window; true only for the one caller that paused it. */
  async pause(userId: string, now: Date, tx: DbOrTx): Promise<boolean> {
    const cutoff = new Date(now.getTime() - BUDGET_WINDOW_MS);
    const rows = await tx
      .update(b)
      .set({ pausedAt: now })
      .where(and(eq(b.userId, userId), isNull(b.pausedAt), sql`NOT ${ended(cutoff)}`))
      .returning({ userId: b.userId });
    return rows.length === 1;
  }

  async pruneBudgets(now: Date): Promise<void> {
    await this.db.delete(b).where(ended(new Date(now.getTime() - BUDGET_WINDOW_MS)));
  }

  // ---- codes
  /**
   * Stores the account's code for the purpose, replacing the live one in the same statement: the partial
   * unique index makes two live codes impossible, and the conflict takes the row lock, so concurrent
   * requests replace one another in turn instead of failing.
   */
  async upsertCode(
    c: { id: string; userId: string; purpose: OtpPurpose; codeHash: string; expiresAt: Date; now: Date },
    tx: DbOrTx,
  ): Promise<void> {
    await tx
      .insert(oneTimeCodes)
      .values({ id: c.id, userId: c.userId, purpose: c.purpose, codeHash: c.codeHash, expiresAt: c.expiresAt })
      .onConflictDoUpdate({
        target: [oneTimeCodes.userId, oneTimeCodes.purpose],
        targetWhere: sql`${oneTimeCodes.consumedAt} IS NULL`,
        // A new id too: a guess matched against the old code can no longer consume the new one.
        set: { id: c.id, codeHash: c.codeHash, expiresAt: c.expiresAt, attempts: 0, createdAt: c.now },
      });
  }

  /** Spends one attempt on the user's live code; returns it only if an attempt was left. */
  async spendCodeAttempt(userId: string, purpose: OtpPurpose, maxAttempts: number, now: Date) {
    const [row] = await this.db
      .update(oneTimeCodes)
      .set({ attempts: sql`${oneTimeCodes.attempts} + 1` })
      .where(
        and(
          eq(oneTimeCodes.userId, userId),
          eq(oneTimeCodes.purpose, purpose),
          isNull(oneTimeCodes.consumedAt),
          gt(oneTimeCodes.expiresAt, now),
          lt(oneTimeCodes.attempts, maxAttempts),
        ),
      )
      .returning({ id: oneTimeCodes.id, codeHash: oneTimeCodes.codeHash });
    return row;
  }

  /** Consumes the matched code once: true only for the first caller, and only if it was not replaced. */
  async consumeCode(id: string, codeHash: string, now: Date, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .update(oneTimeCodes)
      .set({ consumedAt: now })
      .where(and(eq(oneTimeCodes.id, id), eq(oneTimeCodes.codeHash, codeHash), isNull(oneTimeCodes.consumedAt)))
      .returning({ id: oneTimeCodes.id });
    return rows.length === 1;
  }
}
