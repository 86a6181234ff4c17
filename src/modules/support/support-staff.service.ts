import { Inject, Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { OutboxService } from '../../kernel/events/index.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import { AuditService } from '../audit/index.js';
import { StaffPermissions } from '../identity/index.js';
import type {
  AdminTicketsQuery,
  AssignBody,
  StaffReplyBody,
  StaffTicketMessageView,
  StaffTicketSummaryView,
  StaffTicketView,
  TicketMessageBody,
  TransitionBody,
} from './support.dto.js';
import { SupportErrors } from './support.errors.js';
import { TicketEvents } from './support.events.js';
import { SupportLinks } from './support-links.js';
import { TicketLifecycle } from './support.lifecycle.js';
import type { TicketStatus } from './support.machine.js';
import { SupportRepository, type TicketMessageRow, type TicketRow } from './support.repository.js';
import { MAX_THREAD, statusAfterReply } from './support.rules.js';

const idCursor = cursorShape(cursorField.id);

/** The staff's side of support (tickets:read / tickets:write): the queue, assignment, replies, notes, steps. */
@Injectable()
export class SupportStaffService {
  constructor(
    private readonly repo: SupportRepository,
    private readonly lifecycle: TicketLifecycle,
    private readonly links: SupportLinks,
    private readonly staff: StaffPermissions,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** GET /v1/admin/tickets: newest first, by status, assignee (`me`, `none`, an id), overdue, category, priority. */
  async list(actor: UserActor, query: AdminTicketsQuery): Promise<Page<StaffTicketSummaryView>> {
    const after = decodeCursor(query.cursor, idCursor);
    const assigneeId =
      query.assignee === undefined
        ? undefined
        : query.assignee === 'none'
          ? null
          : query.assignee === 'me'
            ? actor.userId
            : query.assignee;
    const rows = await this.repo.list(
      {
        status: query.status,
        assigneeId,
        overdue: query.overdue === undefined ? undefined : { at: this.clock.now(), is: query.overdue },
        category: query.category,
        priority: query.priority,
      },
      after?.[0],
      query.limit + 1,
    );
    return toPage(
      rows,
      query.limit,
      (r) => [r.id],
      (r) => this.lifecycle.staffSummary(r),
    );
  }

  /**
   * GET /v1/admin/tickets/:id: the whole thread, internal notes included. Each read is audited: a ticket may
   * carry health data (a reaction to a medicine, a prescription), read here by staff, not the patient.
   */
  async get(actor: UserActor, id: string, meta?: RequestMeta): Promise<StaffTicketView> {
    const row = await this.repo.find(id);
    if (!row) throw SupportErrors.notFound();
    await this.audit.record({ actor, action: 'ticket.read', subjectType: 'ticket', subjectId: id, meta });
    return this.view(row);
  }

  /** POST /v1/admin/tickets/:id/assign: to staff holding tickets:write; an open ticket moves to in_progress. */
  async assign(actor: UserActor, id: string, body: AssignBody): Promise<StaffTicketView> {
    const row = await this.repo.transaction(async (t) => {
      const locked = await this.locked(id, t);
      if (locked.status === 'closed') throw SupportErrors.ticketClosed();
      if (!(await this.staff.holds(body.assigneeId, 'tickets:write', t))) throw SupportErrors.assigneeNotStaff();
      const assigned = (await this.repo.assign(id, body.assigneeId, t))!;
      await this.repo.appendTransition(
        {
          ticketId: id,
          fromStatus: locked.status,
          toStatus: locked.status,
          actorId: actor.userId,
          reason: `assigned to ${body.assigneeId}`,
        },
        t,
      );
      const recipients = body.assigneeId === actor.userId ? [] : [body.assigneeId];
      await this.lifecycle.publishUpdated(
        assigned,
        'assigned',
        locked.status as TicketStatus,
        actor.userId,
        t,
        recipients,
      );
      return assigned.status === 'open' ? this.lifecycle.step(actor, assigned, 'in_progress', 'assigned', t) : assigned;
    });
    return this.view(row);
  }

  /** POST /v1/admin/tickets/:id/messages: a reply to the customer (waiting_customer unless keepWorking). */
  async reply(actor: UserActor, id: string, body: StaffReplyBody, meta?: RequestMeta): Promise<StaffTicketMessageView> {
    const fileIds = await this.links.assertFiles(actor, body.fileIds ?? [], meta);
    const saved = await this.repo.transaction(async (t) => {
      const row = await this.locked(id, t);
      const status = row.status as TicketStatus;
      if (status === 'resolved') throw SupportErrors.ticketResolved();
      if (status === 'closed') throw SupportErrors.ticketClosed();
      const message = await this.write(row, actor.userId, body.body, fileIds, false, t);
      const next = statusAfterReply(status, true, body.keepWorking);
      if (next) await this.lifecycle.step(actor, row, next, 'staff replied', t);
      else await this.repo.touch(row.id, t);
      return message;
    });
    return this.lifecycle.staffMessage(saved);
  }

  /** POST /v1/admin/tickets/:id/notes: an internal note, for staff only (no step, no word to the customer). */
  async note(
    actor: UserActor,
    id: string,
    body: TicketMessageBody,
    meta?: RequestMeta,
  ): Promise<StaffTicketMessageView> {
    const fileIds = await this.links.assertFiles(actor, body.fileIds ?? [], meta);
    const saved = await this.repo.transaction(async (t) => {
      const row = await this.locked(id, t);
      const message = await this.write(row, actor.userId, body.body, fileIds, true, t);
      await this.repo.touch(row.id, t);
      return message;
    });
    return this.lifecycle.staffMessage(saved);
  }

  /** POST /v1/admin/tickets/:id/transition: any step the table gives tickets:write (resolve, close, ...). */
  async transition(actor: UserActor, id: string, body: TransitionBody): Promise<StaffTicketView> {
    const moved = await this.repo.transaction(async (t) => {
      const row = await this.locked(id, t);
      return this.lifecycle.step(actor, row, body.to, body.reason ?? null, t);
    });
    return this.view(moved);
  }

  private async write(
    row: TicketRow,
    authorId: string,
    text: string,
    fileIds: string[],
    internal: boolean,
    t: DbOrTx,
  ): Promise<TicketMessageRow> {
    if ((await this.repo.messageCount(row.id, t)) >= MAX_THREAD) throw SupportErrors.threadFull(MAX_THREAD);
    const message = await this.repo.insertMessage(
      { id: newId(), ticketId: row.id, authorId, fromStaff: true, internal, body: text, fileIds },
      t,
    );
    if (internal) {
      // Staff only: the assignee hears of a colleague's note; the customer never appears here.
      const recipientIds = row.assigneeId && row.assigneeId !== authorId ? [row.assigneeId] : [];
      await this.outbox.publish(
        TicketEvents.note,
        { ticketId: row.id, messageId: message.id, authorId, recipientIds },
        t,
      );
    } else {
      await this.outbox.publish(
        TicketEvents.message,
        { ticketId: row.id, messageId: message.id, authorId, fromStaff: true, recipientIds: [row.customerId] },
        t,
      );
    }
    return message;
  }

  private async locked(id: string, t: DbOrTx): Promise<TicketRow> {
    const row = await this.repo.lock(id, t);
    if (!row) throw SupportErrors.notFound();
    return row;
  }

  private async view(row: TicketRow): Promise<StaffTicketView> {
    const messages = await this.repo.messages(row.id, true);
    return {
      ...this.lifecycle.staffSummary(row),
      messages: await Promise.all(messages.map((m) => this.lifecycle.staffMessage(m))),
    };
  }
}
