import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  createTicketBody,
  reopenBody,
  ticketIdParam,
  ticketMessageBody,
  ticketMessageView,
  ticketsPage,
  ticketsQuery,
  ticketView,
  type CreateTicketBody,
  type ReopenBody,
  type TicketMessageBody,
  type TicketsQuery,
} from './support.dto.js';
import { SupportService } from './support.service.js';

const NOT_YOURS =
  'Only the ticket’s customer; anyone else’s answers 404 `support/not-found` like a missing id (audited).';

/** The customer's own tickets. Internal notes never appear in any of these answers. */
@ApiTags('support')
@Controller('v1/tickets')
export class SupportController {
  constructor(private readonly support: SupportService) {}

  @Can('support:use')
  @Post()
  @Idempotent()
  @Route({
    operationId: 'createTicket',
    summary: 'Open a support ticket (its first message, optional links and files)',
    description:
      'Priority and the SLA due time follow the category (adverse_reaction urgent, payment and prescription high, ...). `orderId`, `appointmentId` (as its patient) and `prescriptionId` (as its patient) must be the caller’s own: another customer’s answers 404 `support/link-not-found` like a missing one (audited). Files must be the caller’s uploads (else 404 `files/not-found`). Writes `ticket.updated`.',
    auth: { permission: 'support:use' },
    status: 201,
    response: ticketView,
    errors: [404],
  })
  create(
    @Body({ schema: createTicketBody }) body: CreateTicketBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.support.create(actor, body, meta);
  }

  @Can('support:use')
  @Get()
  @Route({
    operationId: 'listTickets',
    summary: 'The caller’s tickets, newest first',
    auth: { permission: 'support:use' },
    response: ticketsPage,
  })
  list(@Query({ schema: ticketsQuery }) query: TicketsQuery, @CurrentActor() actor: UserActor) {
    return this.support.list(actor, query);
  }

  @Can('support:use')
  @Get(':id')
  @Route({
    operationId: 'getTicket',
    summary: 'One ticket and its thread (replies both ways, oldest first; never internal notes)',
    description: NOT_YOURS,
    auth: { permission: 'support:use' },
    response: ticketView,
    errors: [404],
  })
  get(
    @Param('id', { schema: ticketIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.support.get(actor, id, meta);
  }

  @Can('support:use')
  @Post(':id/messages')
  @Idempotent()
  @Route({
    operationId: 'replyToTicket',
    summary: 'The customer writes in the thread (text and files they uploaded)',
    description: `${NOT_YOURS} A reply while we wait on the customer (waiting_customer) hands the ticket back (in_progress). A resolved ticket 409 \`support/ticket-resolved\` (reopen it first), a closed one 409 \`support/ticket-closed\`. Writes \`ticket.message\` for the assignee.`,
    auth: { permission: 'support:use' },
    status: 201,
    response: ticketMessageView,
    errors: [404, 409],
  })
  reply(
    @Param('id', { schema: ticketIdParam }) id: string,
    @Body({ schema: ticketMessageBody }) body: TicketMessageBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.support.reply(actor, id, body, meta);
  }

  @Can('support:use')
  @Post(':id/reopen')
  @Idempotent()
  @Route({
    operationId: 'reopenTicket',
    summary: 'Reopen a resolved ticket (resolved → in_progress), within 7 days of its resolution',
    description: `${NOT_YOURS} After the window 409 \`support/reopen-window-closed\` (the job closes it then); a ticket not resolved 409 \`common/illegal-transition\`.`,
    auth: { permission: 'support:use' },
    response: ticketView,
    errors: [404, 409],
  })
  reopen(
    @Param('id', { schema: ticketIdParam }) id: string,
    @Body({ schema: reopenBody }) body: ReopenBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.support.reopen(actor, id, body, meta);
  }
}
