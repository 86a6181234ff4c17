import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import { cardRefunds, gatewayEvents, paymentIntents } from './payments.tables.js';

export type IntentRow = typeof paymentIntents.$inferSelect;
export type NewIntent = typeof paymentIntents.$inferInsert & { id: string };
export type GatewayEventRow = typeof gatewayEvents.$inferSelect;
export type CardRefundRow = typeof cardRefunds.$inferSelect;

/** All SQL of card payments: intents, webhook events, card refunds (rule 4). Decides nothing. */
@Injectable()
export class CardPaymentsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  async insertIntent(row: NewIntent, tx: DbOrTx): Promise<IntentRow> {
    const [saved] = await tx.insert(paymentIntents).values(row).returning();
    return saved!;
  }

  async find(id: string, tx: DbOrTx = this.db): Promise<IntentRow | undefined> {
    const [row] = await tx.select().from(paymentIntents).where(eq(paymentIntents.id, id));
    return row;
  }

  /** The open (created or pending) intent of an order, if any. */
  openForOrder(orderId: string, tx: DbOrTx = this.db): Promise<IntentRow | undefined> {
    return this.openFor('order', orderId, tx);
  }

  /** The open (created or pending) intent of an order or an appointment, if any (one, by a unique index). */
  async openFor(purpose: 'order' | 'appointment', refId: string, tx: DbOrTx = this.db): Promise<IntentRow | undefined> {
    const [row] = await tx
      .select()
      .from(paymentIntents)
      .where(
        and(
          eq(paymentIntents.purpose, purpose),
          eq(paymentIntents.refId, refId),
          inArray(paymentIntents.status, ['created', 'pending']),
        ),
      );
    return row;
  }

  /** The paid intents of an order, oldest first (normally one). */
  paidForOrder(orderId: string, tx: DbOrTx = this.db): Promise<IntentRow[]> {
    return this.paidFor('order', orderId, tx);
  }

  /** The paid intents of an order or an appointment, oldest first (normally one). */
  paidFor(purpose: 'order' | 'appointment', refId: string, tx: DbOrTx = this.db): Promise<IntentRow[]> {
    return tx
      .select()
      .from(paymentIntents)
      .where(
        and(eq(paymentIntents.purpose, purpose), eq(paymentIntents.refId, refId), eq(paymentIntents.status, 'paid')),
      )
      .orderBy(paymentIntents.id);
  }

  /**
   * The intent a webhook names, locked for the transaction: by the gateway's ref, or by our id while no ref
   * is stored yet (the session was made but its answer not yet recorded).
   */
  async lockForEvent(
    gateway: string,
    gatewayRef: string | undefined,
    intentId: string | undefined,
    tx: DbOrTx,
    lock = true,
  ): Promise<IntentRow | undefined> {
    const locked = <T extends { for: (s: 'update') => T }>(q: T): T => (lock ? q.for('update') : q);
    if (gatewayRef) {
      const [row] = await locked(
        tx
          .select()
          .from(paymentIntents)
          .where(and(eq(paymentIntents.gateway, gateway), eq(paymentIntents.gatewayRef, gatewayRef)))
          .$dynamic(),
      );
      if (row) return row;
    }
    if (!intentId) return undefined;
    const [row] = await locked(
      tx
        .select()
        .from(paymentIntents)
        .where(and(eq(paymentIntents.id, intentId), eq(paymentIntents.gateway, gateway)))
        .$dynamic(),
    );
    return row && (row.gatewayRef === null || row.gatewayRef === gatewayRef) ? row : undefined;
  }

  /**
   * The conditional step of an intent: from one of `from` to `to`, with the columns given. Answers the moved
   * row, or undefined when it was in none of `from` (another delivery moved it first).
   */
  async move(
    id: string,
    from: readonly string[],
    to: string,
    set: Partial<Pick<IntentRow, 'gatewayRef' | 'redirectUrl' | 'paidAt'>>,
    tx: DbOrTx,
  ): Promise<IntentRow | undefined> {
    const [row] = await tx
      .update(paymentIntents)
      .set({ ...set, status: to, updatedAt: new Date() })
      .where(and(eq(paymentIntents.id, id), inArray(paymentIntents.status, [...from])))
      .returning();
    return row;
  }

  /** The event, once per (gateway, event id): undefined when a delivery of it was recorded before. */
  async insertEvent(row: typeof gatewayEvents.$inferInsert, tx: DbOrTx): Promise<GatewayEventRow | undefined> {
    const [saved] = await tx
      .insert(gatewayEvents)
      .values(row)
      .onConflictDoNothing({ target: [gatewayEvents.gateway, gatewayEvents.eventId] })
      .returning();
    return saved;
  }

  async findEvent(gateway: string, eventId: string, tx: DbOrTx = this.db): Promise<GatewayEventRow | undefined> {
    const [row] = await tx
      .select()
      .from(gatewayEvents)
      .where(and(eq(gatewayEvents.gateway, gateway), eq(gatewayEvents.eventId, eventId)));
    return row;
  }

  async settleEvent(id: string, outcome: string, intentId: string | null, tx: DbOrTx): Promise<void> {
    await tx.update(gatewayEvents).set({ outcome, intentId }).where(eq(gatewayEvents.id, id));
  }

  async insertRefund(row: typeof cardRefunds.$inferInsert, tx: DbOrTx): Promise<CardRefundRow | undefined> {
    const [saved] = await tx
      .insert(cardRefunds)
      .values(row)
      .onConflictDoNothing({ target: cardRefunds.key })
      .returning();
    return saved;
  }

  refundsById(ids: string[], tx: DbOrTx = this.db): Promise<CardRefundRow[]> {
    return tx.select().from(cardRefunds).where(inArray(cardRefunds.id, ids));
  }

  /** Card refunds the gateway has not confirmed, last tried before `before`, oldest first. */
  async requestedRefundIds(before: Date, limit: number, tx: DbOrTx = this.db): Promise<string[]> {
    const rows = await tx
      .select({ id: cardRefunds.id })
      .from(cardRefunds)
      .where(and(eq(cardRefunds.status, 'requested'), lt(cardRefunds.updatedAt, before)))
      .orderBy(asc(cardRefunds.createdAt))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  async refundByKey(key: string, tx: DbOrTx = this.db): Promise<CardRefundRow | undefined> {
    const [row] = await tx.select().from(cardRefunds).where(eq(cardRefunds.key, key));
    return row;
  }

  /** What was already given back to the card from this intent (every refund counts, sent or not). */
  async refundedOf(intentId: string, tx: DbOrTx): Promise<number> {
    const [row] = await tx
      .select({ total: sql<string>`coalesce(sum(${cardRefunds.amountMinor}), 0)` })
      .from(cardRefunds)
      .where(and(eq(cardRefunds.intentId, intentId), inArray(cardRefunds.status, ['requested', 'succeeded'])));
    return Number(row?.total ?? 0);
  }

  /** requested → failed, once: answers whether this call moved it. */
  async failRefund(id: string, gatewayRefundRef: string, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .update(cardRefunds)
      .set({ status: 'failed', gatewayRefundRef, lastError: 'failed at the gateway', updatedAt: new Date() })
      .where(and(eq(cardRefunds.id, id), eq(cardRefunds.status, 'requested')))
      .returning({ id: cardRefunds.id });
    return rows.length > 0;
  }

  async settleRefund(
    id: string,
    set: { status: 'succeeded' | 'requested'; gatewayRefundRef?: string; lastError?: string | null },
    tx: DbOrTx = this.db,
  ): Promise<void> {
    await tx
      .update(cardRefunds)
      .set({ ...set, updatedAt: new Date() })
      .where(and(eq(cardRefunds.id, id), eq(cardRefunds.status, 'requested')));
  }
}
