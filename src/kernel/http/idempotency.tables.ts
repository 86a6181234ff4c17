import { index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, tsz } from '../../db/columns.js';

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    responseBody: jsonb('response_body').$type<unknown>(),
    // The request holding the claim (null on rows from before claims had ids); it alone may complete it.
    claimId: uuid('claim_id'),
    claimedAt: tsz('claimed_at').notNull().defaultNow(),
    createdAt: createdAt(),
    completedAt: tsz('completed_at'),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);
