import { index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, pk, tsz } from '../../db/columns.js';

/** Events written in the same transaction as the change they describe (rule 10). */
export const outbox = pgTable(
  'outbox',
  {
    id: pk(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    createdAt: createdAt(),
    publishedAt: tsz('published_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    index('outbox_pending_idx')
      .on(t.id)
      .where(sql`${t.publishedAt} IS NULL`),
  ],
);

/** One row per (subscriber, event) handled: the relay delivers at least once, each subscriber acts once. */
export const processedEvents = pgTable(
  'processed_events',
  {
    handler: text('handler').notNull(),
    eventId: uuid('event_id').notNull(),
    processedAt: tsz('processed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'processed_events_pk', columns: [t.handler, t.eventId] })],
);
