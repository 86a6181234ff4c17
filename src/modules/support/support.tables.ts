import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';

/**
 * A customer's support ticket (migration 0025). Links name the customer's own order, appointment or
 * e-prescription (checked by the service through those modules). `priority` and `slaDueAt` come from the
 * category at creation (support.rules.ts).
 */
export const supportTickets = pgTable(
  'support_tickets',
  {
    id: pk(),
    // References users (migration 0025).
    customerId: uuid('customer_id').notNull(),
    subject: text('subject').notNull(),
    category: text('category').notNull(),
    priority: text('priority').notNull(),
    status: text('status').notNull(),
    orderId: uuid('order_id'),
    appointmentId: uuid('appointment_id'),
    prescriptionId: uuid('prescription_id'),
    assigneeId: uuid('assignee_id'),
    slaDueAt: tsz('sla_due_at').notNull(),
    resolvedAt: tsz('resolved_at'),
    closedAt: tsz('closed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('support_tickets_customer_idx').on(t.customerId, t.id.desc()),
    index('support_tickets_queue_idx').on(t.status, t.id.desc()),
  ],
);

/** The thread: replies both ways and internal notes (`internal`, staff only, never shown to the customer). */
export const supportTicketMessages = pgTable(
  'support_ticket_messages',
  {
    id: pk(),
    ticketId: uuid('ticket_id').notNull(),
    authorId: uuid('author_id').notNull(),
    fromStaff: boolean('from_staff').notNull(),
    internal: boolean('internal').notNull().default(false),
    body: text('body').notNull(),
    // Files the author owned when writing (files module), at most 5.
    fileIds: uuid('file_ids')
      .array()
      .notNull()
      .default(sql`'{}'`),
    createdAt: createdAt(),
  },
  (t) => [index('support_ticket_messages_ticket_idx').on(t.ticketId, t.id)],
);

/** Every lifecycle step (the first, null -> open, included) and every assignment (status unchanged). */
export const supportTicketTransitions = pgTable(
  'support_ticket_transitions',
  {
    id: pk(),
    ticketId: uuid('ticket_id').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    actorId: uuid('actor_id'),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [index('support_ticket_transitions_ticket_idx').on(t.ticketId, t.createdAt)],
);
