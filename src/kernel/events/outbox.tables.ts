import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
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
