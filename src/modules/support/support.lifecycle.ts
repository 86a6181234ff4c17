import { Inject, Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { OutboxService } from '../../kernel/events/index.js';
import { transition, type Hooks } from '../../kernel/state-machine.js';
import { FilesService, type FileView } from '../files/index.js';
import type {
  StaffTicketMessageView,
  StaffTicketSummaryView,
  TicketMessageView,
  TicketSummaryView,
} from './support.dto.js';
import { TicketEvents } from './support.events.js';
import { ticketMachine, type TicketStatus } from './support.machine.js';
import { SupportRepository, type TicketMessageRow, type TicketMoveSet, type TicketRow } from './support.repository.js';
import { isOverdue, REOPEN_WINDOW_MS, type TicketCategory, type TicketPriority } from './support.rules.js';

const actorIdOf = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);

/** Who hears of a change: the customer and the assignee, never the one who made it. */
export function recipientsOf(row: TicketRow, actorId: string | null): string[] {
  return [...new Set([row.customerId, row.assigneeId].filter((id): id is string => !!id && id !== actorId))];
}

/**
 * Every step of a ticket goes through the transitions table (rule 5) and, in the caller's transaction, writes
 * its history row and a `ticket.updated` event; the views shared by the customer's and the staff's routes.
 */
@Injectable()
export class TicketLifecycle {
  constructor(
    private readonly repo: SupportRepository,
    private readonly outbox: OutboxService,
    private readonly files: FilesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** One step of a row the caller locked in `t`; `before` vetoes (the reopen window). */
  async step(
    actor: Actor,
    row: TicketRow,
    to: TicketStatus,
    reason: string | null,
    t: DbOrTx,
    before?: Hooks<TicketStatus, TicketRow>['before'],
  ): Promise<TicketRow> {
    const from = row.status as TicketStatus;
    const now = this.clock.now();
    const set: TicketMoveSet =
      to === 'resolved' ? { resolvedAt: now } : to === 'closed' ? { closedAt: now } : { resolvedAt: null };
    return transition(
      ticketMachine,
      { from, to, actor },
      {
        move: (f, next) => this.repo.move(row.id, f, next, set, t),
        current: async () => (await this.repo.find(row.id, t))?.status as TicketStatus | undefined,
      },
      {
        before,
        after: async (_step, moved) => {
          const actorId = actorIdOf(actor);
          await this.repo.appendTransition({ ticketId: row.id, fromStatus: from, toStatus: to, actorId, reason }, t);
          await this.publishUpdated(moved, 'status', from, actorId, t);
        },
      },
    );
  }

  publishUpdated(
    row: TicketRow,
    change: 'created' | 'status' | 'assigned',
    from: TicketStatus | null,
    actorId: string | null,
    t: DbOrTx,
    recipientIds = recipientsOf(row, actorId),
  ): Promise<void> {
    return this.outbox.publish(
      TicketEvents.updated,
      {
        ticketId: row.id,
        customerId: row.customerId,
        subject: row.subject,
        change,
        from,
        to: row.status,
        status: row.status,
        assigneeId: row.assigneeId,
        actorId,
        recipientIds,
      },
      t,
    );
  }

  summary(row: TicketRow): TicketSummaryView {
    const resolvedAt = row.status === 'resolved' ? row.resolvedAt : null;
    return {
      id: row.id,
      status: row.status as TicketStatus,
      subject: row.subject,
      category: row.category as TicketCategory,
      priority: row.priority as TicketPriority,
      orderId: row.orderId,
      appointmentId: row.appointmentId,
      prescriptionId: row.prescriptionId,
      slaDueAt: row.slaDueAt.toISOString(),
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
      reopenableUntil: resolvedAt ? new Date(resolvedAt.getTime() + REOPEN_WINDOW_MS).toISOString() : null,
      closedAt: row.closedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  staffSummary(row: TicketRow): StaffTicketSummaryView {
    return {
      ...this.summary(row),
      customerId: row.customerId,
      assigneeId: row.assigneeId,
      overdue: isOverdue(row.status as TicketStatus, row.slaDueAt, this.clock.now()),
    };
  }

  /** A reply as the customer sees it (the caller never passes an internal note: SQL leaves them out). */
  async message(row: TicketMessageRow): Promise<TicketMessageView> {
    const attachments = (await Promise.all(row.fileIds.map((f) => this.files.viewFor(f)))).filter(
      (f): f is FileView => f !== null,
    );
    return {
      id: row.id,
      ticketId: row.ticketId,
      authorId: row.authorId,
      fromStaff: row.fromStaff,
      body: row.body,
      attachments,
      createdAt: row.createdAt.toISOString(),
    };
  }

  async staffMessage(row: TicketMessageRow): Promise<StaffTicketMessageView> {
    return { ...(await this.message(row)), internal: row.internal };
  }
}
