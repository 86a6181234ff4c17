import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { pk, tsz } from '../../db/columns.js';

/** Append-only: a trigger (migration 0002) refuses UPDATE and DELETE. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: pk(),
    at: tsz('at').notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorType: text('actor_type').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    outcome: text('outcome').notNull().default('success'),
    ip: text('ip'),
    requestId: text('request_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('audit_log_subject_idx').on(t.subjectType, t.subjectId),
    index('audit_log_actor_idx').on(t.actorId, t.at),
  ],
);
