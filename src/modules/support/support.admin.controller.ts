import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  adminTicketsQuery,
  assignBody,
  staffReplyBody,
  staffTicketMessageView,
  staffTicketsPage,
  staffTicketView,
  ticketIdParam,
  ticketMessageBody,
  transitionBody,
  type AdminTicketsQuery,
  type AssignBody,
  type StaffReplyBody,
  type TicketMessageBody,
  type TransitionBody,
} from './support.dto.js';
import { SupportStaffService } from './support-staff.service.js';

/** The support queue: support agents and admins (tickets:read, tickets:write). */
@ApiTags('admin: support')
@Controller('v1/admin/tickets')
export class SupportAdminController {
  constructor(private readonly staff: SupportStaffService) {}

  @Can('tickets:read')
  @Get()
  @Route({
    operationId: 'listTicketsForStaff',
    summary: 'The support queue, newest first',
    description:
      'Filters: `status`, `assignee` (an id, `me`, or `none`), `overdue` (true: past the SLA due time while open or in progress; false: the others), `category`, `priority`.',
    auth: { permission: 'tickets:read' },
    response: staffTicketsPage,
  })
  list(@Query({ schema: adminTicketsQuery }) query: AdminTicketsQuery, @CurrentActor() actor: UserActor) {
    return this.staff.list(actor, query);
  }

  @Can('tickets:read')
  @Get(':id')
  @Route({
    operationId: 'getTicketForStaff',
    summary: 'One ticket with its whole thread, internal notes included (the read is audited)',
    auth: { permission: 'tickets:read' },
    response: staffTicketView,
    errors: [404],
  })
  get(
    @Param('id', { schema: ticketIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.staff.get(actor, id, meta);
  }

  @Can('tickets:write')
  @Post(':id/assign')
  @Idempotent()
  @Route({
    operationId: 'assignTicket',
    summary: 'Assign a ticket to a staff member who works tickets (an open ticket moves to in_progress)',
    description:
      'The assignee must be an active staff account holding tickets:write (else 409 `support/assignee-not-staff`); a closed ticket 409 `support/ticket-closed`. Writes `ticket.updated` (change `assigned`) for the assignee.',
    auth: { permission: 'tickets:write' },
    response: staffTicketView,
    errors: [404, 409],
  })
  assign(
    @Param('id', { schema: ticketIdParam }) id: string,
    @Body({ schema: assignBody }) body: AssignBody,
    @CurrentActor() actor: UserActor,
  ) {
    return this.staff.assign(actor, id, body);
  }

  @Can('tickets:write')
  @Post(':id/messages')
  @Idempotent()
  @Route({
    operationId: 'replyToTicketAsStaff',
    summary: 'Reply to the customer (the ticket then waits on them unless keepWorking)',
    description:
      'Files must be the writer’s uploads. A resolved ticket 409 `support/ticket-resolved`, a closed one 409 `support/ticket-closed`. Writes `ticket.message` for the customer.',
    auth: { permission: 'tickets:write' },
    status: 201,
    response: staffTicketMessageView,
    errors: [404, 409],
  })
  reply(
    @Param('id', { schema: ticketIdParam }) id: string,
    @Body({ schema: staffReplyBody }) body: StaffReplyBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.staff.reply(actor, id, body, meta);
  }

  @Can('tickets:write')
  @Post(':id/notes')
  @Idempotent()
  @Route({
    operationId: 'addTicketNote',
    summary: 'An internal note: staff only, never in any customer answer',
    description: 'Writes `ticket.note` for the assignee (when someone else wrote it); the customer is never told.',
    auth: { permission: 'tickets:write' },
    status: 201,
    response: staffTicketMessageView,
    errors: [404, 409],
  })
  note(
    @Param('id', { schema: ticketIdParam }) id: string,
    @Body({ schema: ticketMessageBody }) body: TicketMessageBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.staff.note(actor, id, body, meta);
  }

  @Can('tickets:write')
  @Post(':id/transition')
  @Idempotent()
  @Route({
    operationId: 'transitionTicket',
    summary: 'Move a ticket along its lifecycle (resolve, close, ask the customer, take back)',
    description:
      'open → in_progress | waiting_customer | resolved; in_progress → waiting_customer | resolved; waiting_customer → in_progress | resolved; resolved → in_progress (reopen) | closed. A step the table does not have 409 `common/illegal-transition`; a concurrent step won 409 `common/transition-conflict`. Writes `ticket.updated` for the customer (and the assignee).',
    auth: { permission: 'tickets:write' },
    response: staffTicketView,
    errors: [404, 409],
  })
  transition(
    @Param('id', { schema: ticketIdParam }) id: string,
    @Body({ schema: transitionBody }) body: TransitionBody,
    @CurrentActor() actor: UserActor,
  ) {
    return this.staff.transition(actor, id, body);
  }
}
