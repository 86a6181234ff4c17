import { defineMachine } from '../../kernel/state-machine.js';

export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_customer', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** The states in which the ticket waits on us: the SLA clock runs (the overdue filter). */
export const SLA_RUNNING: readonly TicketStatus[] = ['open', 'in_progress'];

/**
 * The ticket lifecycle (rule 5). `customer` steps are the ticket's own customer's (the service checks
 * ownership); staff steps need tickets:write. The reopen window (7 days after resolution) is the service's
 * `before` check, the table only says who may reopen.
 */
const CUSTOMER = ['customer', 'doctor', 'staff'] as const;
export const ticketMachine = defineMachine({
  name: 'support.ticket',
  states: TICKET_STATUSES,
  transitions: [
    // Staff pick it up (an assignment or a reply starts the work).
    { from: 'open', to: 'in_progress', allow: ['tickets:write'] },
    // Staff ask the customer something; the customer's reply hands it back.
    { from: 'open', to: 'waiting_customer', allow: ['tickets:write'] },
    { from: 'in_progress', to: 'waiting_customer', allow: ['tickets:write'] },
    { from: 'waiting_customer', to: 'in_progress', allow: [...CUSTOMER, 'tickets:write'] },
    { from: 'open', to: 'resolved', allow: ['tickets:write'] },
    { from: 'in_progress', to: 'resolved', allow: ['tickets:write'] },
    { from: 'waiting_customer', to: 'resolved', allow: ['tickets:write'] },
    // Reopen within the window (the customer, or staff on their behalf).
    { from: 'resolved', to: 'in_progress', allow: [...CUSTOMER, 'tickets:write'] },
    // The auto-close job after the window, or staff at once.
    { from: 'resolved', to: 'closed', allow: ['system', 'tickets:write'] },
  ],
});
