import { Inject, Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx, type Tx } from '../../db/client.js';
import { outbox, processedEvents } from './outbox.tables.js';

export interface OutboxRow {
  id: string;
  topic: string;
  payload: unknown;
}

/** An inline delivery gives up after this many failed relays (the event is then dead-lettered). */
export const MAX_RELAY_ATTEMPTS = 10;

export interface RelayBatch {
  taken: number;
  /** Events whose delivery failed for the last time in this batch, with the error. */
  exhausted: Array<OutboxRow & { error: string; attempts: number }>;
}

const selected = { id: outbox.id, topic: outbox.topic, payload: outbox.payload };

@Injectable()
export class OutboxRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async insert(topic: string, payload: unknown, tx: DbOrTx = this.db): Promise<void> {
    await tx.insert(outbox).values({ topic, payload });
  }

  /**
   * Locks a batch of pending events for this relay (SKIP LOCKED: several relays never take the same row),
   * hands them to `publish`, and marks the ones it accepted, all in one transaction. `abortOnError`: a failure
   * is the queue's, not the event's (Redis away): the whole batch rolls back and stays pending, uncounted.
   */
  async relayBatch(
    limit: number,
    publish: (row: OutboxRow, tx: Tx) => Promise<void>,
    abortOnError: boolean,
  ): Promise<RelayBatch> {
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .select(selected)
        .from(outbox)
        .where(sql`${outbox.publishedAt} IS NULL AND ${outbox.attempts} < ${MAX_RELAY_ATTEMPTS}`)
        .orderBy(outbox.id)
        .limit(limit)
        .for('update', { skipLocked: true });
      const exhausted: RelayBatch['exhausted'] = [];
      for (const row of rows) {
        try {
          await publish(row, tx);
          await tx.update(outbox).set({ publishedAt: new Date() }).where(eq(outbox.id, row.id));
        } catch (err) {
          if (abortOnError) throw err;
          const error = String((err as Error)?.message ?? err).slice(0, 500);
          const [after] = await tx
            .update(outbox)
            .set({ attempts: sql`${outbox.attempts} + 1`, lastError: error })
            .where(eq(outbox.id, row.id))
            .returning({ attempts: outbox.attempts });
          if (after && after.attempts >= MAX_RELAY_ATTEMPTS)
            exhausted.push({ ...row, error, attempts: after.attempts });
        }
      }
      return { taken: rows.length, exhausted };
    });
  }

  async findById(id: string): Promise<OutboxRow | undefined> {
    const [row] = await this.db.select(selected).from(outbox).where(eq(outbox.id, id));
    return row;
  }

  async markPublished(id: string): Promise<void> {
    await this.db
      .update(outbox)
      .set({ publishedAt: new Date() })
      .where(sql`${outbox.id} = ${id} AND ${outbox.publishedAt} IS NULL`);
  }

  /**
   * Claims (handler, event) for this delivery: true the first time, false once another delivery committed it.
   * A concurrent delivery of the same event waits on the key until the first commits or rolls back.
   */
  async claim(handler: string, eventId: string, tx: Tx): Promise<boolean> {
    const rows = await tx
      .insert(processedEvents)
      .values({ handler, eventId })
      .onConflictDoNothing()
      .returning({ eventId: processedEvents.eventId });
    return rows.length > 0;
  }

  /** Forgets handled-event keys older than `before` (published events are never relayed again by then). */
  async pruneProcessed(before: Date): Promise<number> {
    const rows = await this.db
      .delete(processedEvents)
      .where(sql`${processedEvents.processedAt} < ${before.toISOString()}::timestamptz`)
      .returning({ eventId: processedEvents.eventId });
    return rows.length;
  }

  /** A transaction of its own, or a savepoint inside `outer`. */
  transaction<T>(fn: (tx: Tx) => Promise<T>, outer?: Tx): Promise<T> {
    return outer ? outer.transaction(fn) : this.db.transaction(fn);
  }
}
