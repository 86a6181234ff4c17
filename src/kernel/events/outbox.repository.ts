import { Inject, Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { outbox } from './outbox.tables.js';

export interface OutboxRow {
  id: string;
  topic: string;
  payload: unknown;
}

@Injectable()
export class OutboxRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async insert(topic: string, payload: unknown, tx: DbOrTx = this.db): Promise<void> {
    await tx.insert(outbox).values({ topic, payload });
  }

  /**
   * Locks a batch of pending events for this relay (SKIP LOCKED: several relays never take the same row),
   * hands them to `publish`, and marks the ones it accepted, all in one transaction.
   */
  async relayBatch(limit: number, publish: (row: OutboxRow) => Promise<void>): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: outbox.id, topic: outbox.topic, payload: outbox.payload })
        .from(outbox)
        .where(sql`${outbox.publishedAt} IS NULL AND ${outbox.attempts} < 10`)
        .orderBy(outbox.id)
        .limit(limit)
        .for('update', { skipLocked: true });
      for (const row of rows) {
        try {
          await publish(row);
          await tx.update(outbox).set({ publishedAt: new Date() }).where(eq(outbox.id, row.id));
        } catch (err) {
          await tx
            .update(outbox)
            .set({ attempts: sql`${outbox.attempts} + 1`, lastError: String((err as Error).message).slice(0, 500) })
            .where(eq(outbox.id, row.id));
        }
      }
      return rows.length;
    });
  }
}
