import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { pk, tsz } from '../../db/columns.js';

/**
 * Jobs that failed their last attempt (the dead-letter state), from either driver. Kept in the database, not
 * in Redis or memory: the list survives restarts and Redis flushes, staff page through it with a keyset
 * cursor, and the same routes serve embedded mode and BullMQ alike.
 */
export const jobFailures = pgTable(
  'job_failures',
  {
    id: pk(),
    name: text('name').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error').notNull(),
    failedAt: tsz('failed_at').notNull().defaultNow(),
    retriedAt: tsz('retried_at'),
    /** Who retried it: the row is the retry's audit trail. */
    retriedBy: uuid('retried_by'),
  },
  (t) => [
    check('job_failures_attempts_check', sql`${t.attempts} >= 1`),
    index('job_failures_pending_idx')
      .on(t.failedAt.desc(), t.id.desc())
      .where(sql`${t.retriedAt} IS NULL`),
  ],
);
