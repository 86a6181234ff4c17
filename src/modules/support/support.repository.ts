import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, notInArray, or } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import { moveStatus } from '../../db/transitions.js';
import { SLA_RUNNING, type TicketStatus } from './support.machine.js';
import { supportTicketMessages, supportTicketTransitions, supportTickets } from './support.tables.js';

export type TicketRow = typeof supportTickets.$inferSelect;
export type NewTicket = Omit<typeof supportTickets.$inferInsert, 'createdAt' | 'updatedAt'> & { id: string };
export type TicketMessageRow = typeof supportTicketMessages.$inferSelect;
export type NewTicketMessage = Omit<typeof supportTicketMessages.$inferInsert, 'createdAt'> & { id: string };
export type TicketMoveSet = Partial<Pick<TicketRow, 'resolvedAt' | 'closedAt' | 'assigneeId'>>;

export interface TicketFilter {
  customerId?: string;
  status?: TicketStatus;
  /** null: unassigned. */
  assigneeId?: string | null;
  /** Past its due time at `at` while the SLA runs (open, in progress), or (`is` false) not. */
  overdue?: { at: Date; is: boolean };
  category?: string;
  priority?: string;
}

/** All SQL of support (rule 4). Decides nothing. */
@Injectable()
export class SupportRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  /** The ticket, its first message and its first history row (null -> open). */
  async insert(row: NewTicket, first: NewTicketMessage, tx: DbOrTx): Promise<TicketRow> {
    const [saved] = await tx.insert(supportTickets).values(row).returning();
    await tx.insert(supportTicketMessages).values(first);
    await tx
      .insert(supportTicketTransitions)
      .values({ ticketId: saved.id, fromStatus: null, toStatus: saved.status, actorId: saved.customerId });
    return saved;
  }

  async find(id: string, tx: DbOrTx = this.db): Promise<TicketRow | undefined> {
    const [row] = await tx.select().from(supportTickets).where(eq(supportTickets.id, id));
    return row;
  }

  async lock(id: string, tx: DbOrTx): Promise<TicketRow | undefined> {
    const [row] = await tx.select().from(supportTickets).where(eq(supportTickets.id, id)).for('update');
    return row;
  }

  async move(id: string, from: string, to: string, set: TicketMoveSet, tx: DbOrTx): Promise<TicketRow | undefined> {
    const [row] = await moveStatus(tx, supportTickets, supportTickets.status, eq(supportTickets.id, id), from, to, {
      ...set,
      updatedAt: new Date(),
    });
    return row;
  }

  async assign(id: string, assigneeId: string, tx: DbOrTx): Promise<TicketRow | undefined> {
    const [row] = await tx
      .update(supportTickets)
      .set({ assigneeId, updatedAt: new Date() })
      .where(eq(supportTickets.id, id))
      .returning();
    return row;
  }

  async touch(id: string, tx: DbOrTx): Promise<void> {
    await tx.update(supportTickets).set({ updatedAt: new Date() }).where(eq(supportTickets.id, id));
  }

  async appendTransition(
    row: {
      ticketId: string;
      fromStatus: string | null;
      toStatus: string;
      actorId: string | null;
      reason: string | null;
    },
    tx: DbOrTx,
  ): Promise<void> {
    await tx.insert(supportTicketTransitions).values(row);
  }

  /** A page, newest first, after the keyset id (UUIDv7: time-ordered). */
  list(filter: TicketFilter, before: string | undefined, limit: number, tx: DbOrTx = this.db): Promise<TicketRow[]> {
    const t = supportTickets;
    return tx
      .select()
      .from(t)
      .where(
        and(
          filter.customerId !== undefined ? eq(t.customerId, filter.customerId) : undefined,
          filter.status !== undefined ? eq(t.status, filter.status) : undefined,
          filter.assigneeId === null ? isNull(t.assigneeId) : undefined,
          typeof filter.assigneeId === 'string' ? eq(t.assigneeId, filter.assigneeId) : undefined,
          filter.overdue === undefined
            ? undefined
            : filter.overdue.is
              ? and(inArray(t.status, [...SLA_RUNNING]), lt(t.slaDueAt, filter.overdue.at))
              : or(notInArray(t.status, [...SLA_RUNNING]), gte(t.slaDueAt, filter.overdue.at)),
          filter.category !== undefined ? eq(t.category, filter.category) : undefined,
          filter.priority !== undefined ? eq(t.priority, filter.priority) : undefined,
          before ? lt(t.id, before) : undefined,
        ),
      )
      .orderBy(desc(t.id))
      .limit(limit);
  }

  async insertMessage(row: NewTicketMessage, tx: DbOrTx): Promise<TicketMessageRow> {
    const [saved] = await tx.insert(supportTicketMessages).values(row).returning();
    return saved;
  }

  async messageCount(ticketId: string, tx: DbOrTx): Promise<number> {
    const [row] = await tx
      .select({ n: count() })
      .from(supportTicketMessages)
      .where(eq(supportTicketMessages.ticketId, ticketId));
    return Number(row?.n ?? 0);
  }

  /** The thread, oldest first; `withInternal` false leaves the internal notes out in SQL (they never leave). */
  messages(ticketId: string, withInternal: boolean, tx: DbOrTx = this.db): Promise<TicketMessageRow[]> {
    return tx
      .select()
      .from(supportTicketMessages)
      .where(
        and(
          eq(supportTicketMessages.ticketId, ticketId),
          withInternal ? undefined : eq(supportTicketMessages.internal, false),
        ),
      )
      .orderBy(asc(supportTicketMessages.id));
  }

  /** Resolved tickets resolved before `before` (the auto-close job's candidates), oldest first. */
  resolvedBefore(before: Date, limit: number, tx: DbOrTx = this.db): Promise<{ id: string }[]> {
    return tx
      .select({ id: supportTickets.id })
      .from(supportTickets)
      .where(and(eq(supportTickets.status, 'resolved'), lt(supportTickets.resolvedAt, before)))
      .orderBy(asc(supportTickets.resolvedAt))
      .limit(limit);
  }
}
