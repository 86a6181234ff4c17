import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { jobFailures } from './jobs.tables.js';

export interface JobFailureRow {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  lastError: string;
  failedAt: Date;
  retriedAt: Date | null;
  retriedBy: string | null;
}

const columns = {
  id: jobFailures.id,
  name: jobFailures.name,
  payload: jobFailures.payload,
  attempts: jobFailures.attempts,
  lastError: jobFailures.lastError,
  failedAt: jobFailures.failedAt,
  retriedAt: jobFailures.retriedAt,
  retriedBy: jobFailures.retriedBy,
};

@Injectable()
export class JobFailuresRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async record(f: { name: string; payload: unknown; attempts: number; lastError: string }): Promise<void> {
    await this.db.insert(jobFailures).values({ ...f, lastError: f.lastError.slice(0, 2_000) });
  }

  /** Not yet retried, newest first; `after` is the (failedAt, id) of the previous page's last row. */
  async listPending(limit: number, after?: readonly [string, string]): Promise<JobFailureRow[]> {
    const keyset = after
      ? sql`(${jobFailures.failedAt}, ${jobFailures.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`
      : undefined;
    return this.db
      .select(columns)
      .from(jobFailures)
      .where(and(isNull(jobFailures.retriedAt), keyset))
      .orderBy(desc(jobFailures.failedAt), desc(jobFailures.id))
      .limit(limit + 1);
  }

  async find(id: string): Promise<JobFailureRow | undefined> {
    const [row] = await this.db.select(columns).from(jobFailures).where(eq(jobFailures.id, id));
    return row;
  }

  /** Marks it retried unless it already was (two staff clicks retry it once). */
  async markRetried(id: string, by: string, now: Date, tx: DbOrTx): Promise<JobFailureRow | undefined> {
    const [row] = await tx
      .update(jobFailures)
      .set({ retriedAt: now, retriedBy: by })
      .where(and(eq(jobFailures.id, id), isNull(jobFailures.retriedAt)))
      .returning(columns);
    return row;
  }

  /** Drops dead letters retried before `before`: their retry is a job of its own (and may have failed anew). */
  async pruneRetried(before: Date): Promise<number> {
    const rows = await this.db
      .delete(jobFailures)
      .where(sql`${jobFailures.retriedAt} < ${before.toISOString()}::timestamptz`)
      .returning({ id: jobFailures.id });
    return rows.length;
  }

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }
}
