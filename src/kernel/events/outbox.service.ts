import { Injectable, Logger } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';

export type EventHandler = (payload: unknown, event: OutboxRow) => Promise<void>;

/**
 * Events leave only after their transaction commits (rule 10): `publish` writes a row in the caller's
 * transaction; the relay delivers committed rows to subscribers, at least once (subscribers are idempotent).
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger('Outbox');
  private readonly handlers = new Map<string, EventHandler[]>();

  constructor(private readonly repo: OutboxRepository) {}

  /** Writes the event in the caller's transaction (`tx`, rule 14); without one it is a write of its own. */
  publish(topic: string, payload: unknown, tx?: DbOrTx): Promise<void> {
    return this.repo.insert(topic, payload, tx);
  }

  subscribe(topic: string, handler: EventHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  /** Delivers pending events until none is left; returns how many were taken. */
  async relay(batchSize = 100): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.repo.relayBatch(batchSize, async (row) => {
        for (const handler of this.handlers.get(row.topic) ?? []) await handler(row.payload, row);
      });
      total += n;
      if (n < batchSize) return total;
    }
  }

  async relaySafely(): Promise<void> {
    try {
      await this.relay();
    } catch (err) {
      this.logger.warn(`relay failed: ${(err as Error).message}`);
    }
  }
}
