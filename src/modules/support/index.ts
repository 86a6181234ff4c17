export { SupportModule } from './support.module.js';
export { SupportService } from './support.service.js';
export { TicketEvents } from './support.events.js';
export { ticketMachine, TICKET_STATUSES, type TicketStatus } from './support.machine.js';
export { SupportMessages } from './support.errors.js';
