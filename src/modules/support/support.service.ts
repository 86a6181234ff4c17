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
import { illegalTransition } from '../../kernel/state-machine.js';
import { AuditService } from '../audit/index.js';
import type {
  CreateTicketBody,
  ReopenBody,
  TicketMessageBody,
  TicketMessageView,
  TicketsQuery,
  TicketSummaryView,
  TicketView,
} from './support.dto.js';
import { SupportErrors } from './support.errors.js';
import { TicketEvents } from './support.events.js';
import { SupportLinks } from './support-links.js';
import { recipientsOf, TicketLifecycle } from './support.lifecycle.js';
import { ticketMachine, type TicketStatus } from './support.machine.js';
import { SupportRepository, type TicketMessageRow, type TicketRow } from './support.repository.js';
import { MAX_THREAD, mayReopen, slaFor, statusAfterReply } from './support.rules.js';

const idCursor = cursorShape(cursorField.id);

/** The customer's side of support: their own tickets only; anyone else's answers 404 like a missing one. */
@Injectable()
export class SupportService {
  constructor(
    private readonly repo: SupportRepository,
    private readonly lifecycle: TicketLifecycle,
    private readonly links: SupportLinks,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** POST /v1/tickets: priority and SLA due time from the category; links only to the caller's own records. */
  async create(actor: UserActor, body: CreateTicketBody, meta?: RequestMeta): Promise<TicketView> {
    await this.links.assertOwn(actor, body, meta);
    const fileIds = await this.links.assertFiles(actor, body.fileIds ?? [], meta);
    const now = this.clock.now();
    const { priority, dueAt } = slaFor(body.category, now);
    const id = newId();
    const row = await this.repo.transaction(async (t) => {
      const saved = await this.repo.insert(
        {
          id,
          customerId: actor.userId,
          subject: body.subject,
          category: body.category,
          priority,
          status: 'open',
          orderId: body.orderId ?? null,
          appointmentId: body.appointmentId ?? null,
          prescriptionId: body.prescriptionId ?? null,
          slaDueAt: dueAt,
        },
        { id: newId(), ticketId: id, authorId: actor.userId, fromStaff: false, body: body.body, fileIds },
        t,
      );
      // Nobody to tell yet (no assignee): the staff queue lists it.
      await this.lifecycle.publishUpdated(saved, 'created', null, actor.userId, t, []);
      return saved;
    });
    return this.view(row);
  }

  async list(actor: UserActor, query: TicketsQuery): Promise<Page<TicketSummaryView>> {
    const after = decodeCursor(query.cursor, idCursor);
    const rows = await this.repo.list({ customerId: actor.userId }, after?.[0], query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.id],
      (r) => this.lifecycle.summary(r),
    );
  }

  async get(actor: UserActor, id: string, meta?: RequestMeta): Promise<TicketView> {
    return this.view(await this.own(actor, id, meta));
  }

  /**
   * POST /v1/tickets/:id/messages: the customer's reply; on waiting_customer it hands the ticket back
   * (in_progress). A resolved ticket must be reopened first, a closed one takes nothing.
   */
  async reply(actor: UserActor, id: string, body: TicketMessageBody, meta?: RequestMeta): Promise<TicketMessageView> {
    const fileIds = await this.links.assertFiles(actor, body.fileIds ?? [], meta);
    const saved = await this.repo.transaction(async (t) => {
      const row = await this.own(actor, id, meta, t);
      const status = row.status as TicketStatus;
      if (status === 'resolved') throw SupportErrors.ticketResolved();
      if (status === 'closed') throw SupportErrors.ticketClosed();
      const message = await this.write(row, actor.userId, body.body, fileIds, t);
      const next = statusAfterReply(status, false);
      if (next) await this.lifecycle.step(actor, row, next, 'customer replied', t);
      else await this.repo.touch(row.id, t);
      return message;
    });
    return this.lifecycle.message(saved);
  }

  /** POST /v1/tickets/:id/reopen: resolved → in_progress within 7 days of the resolution. */
  async reopen(actor: UserActor, id: string, body: ReopenBody, meta?: RequestMeta): Promise<TicketView> {
    const moved = await this.repo.transaction(async (t) => {
      const row = await this.own(actor, id, meta, t);
      // Only a resolved ticket reopens (the table lets staff take an open one up, which is not a reopen).
      if (row.status !== 'resolved') throw illegalTransition(ticketMachine.name, row.status, 'in_progress');
      return this.lifecycle.step(actor, row, 'in_progress', body.reason ?? 'reopened by the customer', t, () => {
        if (!mayReopen(row.resolvedAt, this.clock.now()))
          throw SupportErrors.reopenClosed(row.resolvedAt?.toISOString() ?? null);
      });
    });
    return this.view(moved);
  }

  /** A reply in the thread and its `ticket.message` event, in `t` (the ticket locked by the caller). */
  private async write(
    row: TicketRow,
    authorId: string,
    text: string,
    fileIds: string[],
    t: DbOrTx,
  ): Promise<TicketMessageRow> {
    if ((await this.repo.messageCount(row.id, t)) >= MAX_THREAD) throw SupportErrors.threadFull(MAX_THREAD);
    const message = await this.repo.insertMessage(
      { id: newId(), ticketId: row.id, authorId, fromStaff: false, internal: false, body: text, fileIds },
      t,
    );
    await this.outbox.publish(
      TicketEvents.message,
      {
        ticketId: row.id,
        messageId: message.id,
        authorId,
        fromStaff: false,
        recipientIds: recipientsOf(row, authorId),
      },
      t,
    );
    return message;
  }

  /** The caller's own ticket (locked in `lockIn`), else 404 like a missing one, audited. */
  private async own(actor: UserActor, id: string, meta?: RequestMeta, lockIn?: DbOrTx): Promise<TicketRow> {
    const row = lockIn ? await this.repo.lock(id, lockIn) : await this.repo.find(id);
    if (!row) throw SupportErrors.notFound();
    if (row.customerId !== actor.userId)
      throw await this.audit.notYours(actor, 'ticket', id, meta, SupportErrors.notFound());
    return row;
  }

  private async view(row: TicketRow): Promise<TicketView> {
    // Internal notes are left out in SQL: they never reach a customer's response.
    const messages = await this.repo.messages(row.id, false);
    return {
      ...this.lifecycle.summary(row),
      messages: await Promise.all(messages.map((m) => this.lifecycle.message(m))),
    };
  }
}
