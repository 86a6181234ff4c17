import { integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, tsz } from '../../db/columns.js';

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    responseBody: jsonb('response_body').$type<unknown>(),
    createdAt: createdAt(),
    completedAt: tsz('completed_at'),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);
