import { Injectable, Logger } from '@nestjs/common';
import type { DbOrTx, Tx } from '../../db/client.js';
import { JobQueue } from '../queue/job-queue.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';

/**
 * A subscriber. `tx` is the transaction that records this (subscriber, event) as handled: what the handler
 * writes in it is applied exactly once, however often the event is delivered. What it does elsewhere (an
 * email) is at least once.
 */
export type EventHandler = (payload: unknown, event: OutboxRow, tx: Tx) => Promise<void>;

/** Retries of one event's delivery job (BullMQ) before it is dead-lettered. */
const DELIVERY_RETRIES = 5;

/**
 * Events leave only after their transaction commits (rule 10): `publish` writes a row in the caller's
 * transaction; the relay moves committed rows on, at least once. With BullMQ it hands each event to the queue
 * (`outbox.deliver`, keyed by the event id) and marks it sent in the same transaction, so Redis being away
 * keeps the events in the outbox; in process it delivers them inline. Each subscriber is keyed by
 * (its name, event id) in `processed_events`, so a repeated delivery runs it once. With BullMQ, events are
 * delivered concurrently, so not necessarily in commit order: a subscriber reads the state it needs from the
 * payload (`to`, a version) rather than from the order of arrival.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger('Outbox');
  private readonly handlers = new Map<string, Array<{ name: string; handler: EventHandler }>>();

  constructor(
    private readonly repo: OutboxRepository,
    private readonly queue: JobQueue,
  ) {}

  /** Writes the event in the caller's transaction (`tx`, rule 14); without one it is a write of its own. */
  publish(topic: string, payload: unknown, tx?: DbOrTx): Promise<void> {
    return this.repo.insert(topic, payload, tx);
  }

  /**
   * `name` keys the subscriber's processed events: keep it stable across releases (the default, topic and
   * position, changes when subscribers of the topic are added before it).
   */
  subscribe(topic: string, handler: EventHandler, name?: string): void {
    const list = this.handlers.get(topic) ?? [];
    const key = name ?? `${topic}#${list.length + 1}`;
    if (list.some((s) => s.name === key)) throw new Error(`Event subscriber ${key} is declared twice`);
    this.handlers.set(topic, [...list, { name: key, handler }]);
  }

  /** Moves pending events on until none is left; returns how many were taken. */
  async relay(batchSize = 100): Promise<number> {
    const handover = this.queue.durable && this.queue.has('outbox.deliver');
    const publish = handover
      ? (row: OutboxRow) =>
          this.queue.enqueue(
            'outbox.deliver',
            { eventId: row.id },
            { key: `outbox-${row.id}`, attempts: DELIVERY_RETRIES },
          )
      : (row: OutboxRow, tx: Tx) => this.deliver(row, tx);
    let total = 0;
    for (;;) {
      const { taken, exhausted } = await this.repo.relayBatch(batchSize, publish, handover);
      for (const e of exhausted) {
        await this.queue.deadLetter('outbox.deliver', { eventId: e.id }, e.attempts, `${e.topic}: ${e.error}`);
      }
      total += taken;
      if (taken < batchSize) return total;
    }
  }

  async relaySafely(): Promise<void> {
    try {
      await this.relay();
    } catch (err) {
      this.logger.warn(`relay failed, events stay in the outbox: ${(err as Error).message}`);
    }
  }

  /** The `outbox.deliver` job: one event to its subscribers (each once), then marked sent. */
  async deliverById(eventId: string): Promise<void> {
    const row = await this.repo.findById(eventId);
    if (!row) return;
    await this.deliver(row);
    await this.repo.markPublished(row.id);
  }

  /** Runs each subscriber not yet done with this event; a failing one throws (the delivery is retried). */
  private async deliver(row: OutboxRow, outer?: Tx): Promise<void> {
    for (const { name, handler } of this.handlers.get(row.topic) ?? []) {
      await this.repo.transaction(async (tx) => {
        if (await this.repo.claim(name, row.id, tx)) await handler(row.payload, row, tx);
      }, outer);
    }
  }
}
