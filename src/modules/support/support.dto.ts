import { z } from 'zod';
import { fileView } from '../files/index.js';
import { flagQuery, idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { TICKET_STATUSES } from './support.machine.js';
import { TICKET_CATEGORIES, TICKET_PRIORITIES } from './support.rules.js';

export const ticketIdParam = idSchema.describe('The ticket’s id');

const text = (max: number) => z.string().trim().min(1).max(max);
const fileIds = z
  .array(idSchema)
  .min(1)
  .max(5)
  .optional()
  .describe('Files the writer uploaded (POST /v1/files); anyone else’s answers 404 `files/not-found`');

// ---- requests
export const createTicketBody = z.strictObject({
  subject: text(200),
  body: text(5000).describe('The first message of the thread'),
  category: z.enum(TICKET_CATEGORIES).describe('Sets the priority and the SLA due time'),
  orderId: idSchema.optional().describe('One of the caller’s orders (another customer’s answers 404)'),
  appointmentId: idSchema.optional().describe('One of the caller’s appointments, as its patient'),
  prescriptionId: idSchema.optional().describe('One of the caller’s e-prescriptions, as its patient'),
  fileIds,
});
export type CreateTicketBody = z.infer<typeof createTicketBody>;

export const ticketMessageBody = z.strictObject({ body: text(5000), fileIds });
export type TicketMessageBody = z.infer<typeof ticketMessageBody>;

export const staffReplyBody = z.strictObject({
  body: text(5000),
  fileIds,
  keepWorking: z
    .boolean()
    .optional()
    .describe('A reply moves the ticket to waiting_customer; true keeps it (or puts it) in_progress instead'),
});
export type StaffReplyBody = z.infer<typeof staffReplyBody>;

export const reopenBody = z.strictObject({ reason: text(500).optional() });
export type ReopenBody = z.infer<typeof reopenBody>;

export const assignBody = z.strictObject({
  assigneeId: idSchema.describe('A staff account holding tickets:write'),
});
export type AssignBody = z.infer<typeof assignBody>;

export const transitionBody = z.strictObject({
  to: z.enum(TICKET_STATUSES),
  reason: text(500).optional(),
});
export type TransitionBody = z.infer<typeof transitionBody>;

export const ticketsQuery = pageQuery;
export type TicketsQuery = z.infer<typeof ticketsQuery>;

export const adminTicketsQuery = pageQuery.extend({
  status: z.enum(TICKET_STATUSES).optional(),
  assignee: z
    .union([z.literal('none'), z.literal('me'), idSchema])
    .optional()
    .describe('A staff account’s id, `me`, or `none` (unassigned)'),
  overdue: flagQuery.optional().describe('true: past the SLA due time while open or in progress'),
  category: z.enum(TICKET_CATEGORIES).optional(),
  priority: z.enum(TICKET_PRIORITIES).optional(),
});
export type AdminTicketsQuery = z.infer<typeof adminTicketsQuery>;

// ---- responses
const messageShape = {
  id: z.string(),
  ticketId: z.string(),
  authorId: z.string(),
  fromStaff: z.boolean(),
  body: z.string(),
  attachments: z.array(fileView),
  createdAt: z.string(),
};
export const ticketMessageView = z.object(messageShape).meta({ id: 'TicketMessage' });
export type TicketMessageView = z.infer<typeof ticketMessageView>;
export const staffTicketMessageView = z
  .object({ ...messageShape, internal: z.boolean().describe('An internal note: never shown to the customer') })
  .meta({ id: 'StaffTicketMessage' });
export type StaffTicketMessageView = z.infer<typeof staffTicketMessageView>;

const summaryShape = {
  id: z.string(),
  status: z.enum(TICKET_STATUSES),
  subject: z.string(),
  category: z.enum(TICKET_CATEGORIES),
  priority: z.enum(TICKET_PRIORITIES),
  orderId: z.string().nullable(),
  appointmentId: z.string().nullable(),
  prescriptionId: z.string().nullable(),
  slaDueAt: z.string().describe('When we promise to have resolved it (by category)'),
  resolvedAt: z.string().nullable(),
  reopenableUntil: z.string().nullable().describe('While resolved: the customer may reopen it until then'),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
};
export const ticketSummaryView = z.object(summaryShape).meta({ id: 'TicketSummary' });
export type TicketSummaryView = z.infer<typeof ticketSummaryView>;
export const ticketView = z
  .object({ ...summaryShape, messages: z.array(ticketMessageView).describe('Oldest first; no internal notes') })
  .meta({ id: 'Ticket' });
export type TicketView = z.infer<typeof ticketView>;
export const ticketsPage = pageSchema(ticketSummaryView);

const staffSummaryShape = {
  ...summaryShape,
  customerId: z.string(),
  assigneeId: z.string().nullable(),
  overdue: z.boolean(),
};
export const staffTicketSummaryView = z.object(staffSummaryShape).meta({ id: 'StaffTicketSummary' });
export type StaffTicketSummaryView = z.infer<typeof staffTicketSummaryView>;
export const staffTicketView = z
  .object({
    ...staffSummaryShape,
    messages: z.array(staffTicketMessageView).describe('Oldest first, internal notes included'),
  })
  .meta({ id: 'StaffTicket' });
export type StaffTicketView = z.infer<typeof staffTicketView>;
export const staffTicketsPage = pageSchema(staffTicketSummaryView);
