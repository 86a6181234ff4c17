import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { completeRow, jsonRows } from '../../db/json-rows.js';
import { withTx } from '../../db/transaction.js';
import { moveStatus } from '../../db/transitions.js';
import {
  orderLines,
  orderPrescriptions,
  orderRefundLines,
  orderRefunds,
  orderTransitions,
  orders,
} from './orders.tables.js';

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type NewOrder = typeof orders.$inferInsert;
export type RefundRow = typeof orderRefunds.$inferSelect;
export type RefundLineRow = typeof orderRefundLines.$inferSelect;
export type NewOrderLine = Omit<typeof orderLines.$inferInsert, 'orderId'>;

export interface OrderWithLines {
  order: OrderRow;
  lines: OrderLineRow[];
}

/** All SQL of the orders module (rule 4). Decides nothing. */
@Injectable()
export class OrdersRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  /**
   * The order, its lines, the uploads it names and its first history row, in the caller's transaction and in
   * one statement (checkout's hot path): each row is built here in full (defaults included) and sent as JSON
   * that PostgreSQL reads into the table's own row type, so a column added to a table needs no change here.
   */
  async insert(
    order: NewOrder & { id: string },
    lines: NewOrderLine[],
    actorId: string | null,
    tx: DbOrTx,
    prescriptionIds: readonly string[] = [],
  ): Promise<OrderWithLines> {
    const now = new Date();
    const row = completeRow(orders, order, now);
    const lineRows = lines
      .map((l) => completeRow(orderLines, { ...l, orderId: order.id }, now))
      .sort((a, b) => a.lineNo - b.lineNo);
    const links = prescriptionIds.map((uploadId) => completeRow(orderPrescriptions, { orderId: order.id, uploadId }));
    const history = completeRow(orderTransitions, { orderId: order.id, toStatus: order.status, actorId }, now);
    await tx.execute(sql`
      with o as (insert into ${orders} select * from jsonb_populate_recordset(null::orders, ${jsonRows(orders, [row])}::jsonb)),
      l as (insert into ${orderLines} select * from jsonb_populate_recordset(null::order_lines, ${jsonRows(orderLines, lineRows)}::jsonb)),
      p as (insert into ${orderPrescriptions} select * from jsonb_populate_recordset(null::order_prescriptions, ${jsonRows(orderPrescriptions, links)}::jsonb)),
      h as (insert into ${orderTransitions} select * from jsonb_populate_recordset(null::order_transitions, ${jsonRows(orderTransitions, [history])}::jsonb))
      select 1`);
    return { order: row, lines: lineRows };
  }

  async find(id: string, tx: DbOrTx = this.db): Promise<OrderRow | undefined> {
    const [row] = await tx.select().from(orders).where(eq(orders.id, id));
    return row;
  }

  /** The order row locked for the transaction (a step reads it, decides, then moves it). */
  async lock(id: string, tx: DbOrTx): Promise<OrderRow | undefined> {
    const [row] = await tx.select().from(orders).where(eq(orders.id, id)).for('update');
    return row;
  }

  async linesOf(orderIds: string[], tx: DbOrTx = this.db): Promise<Map<string, OrderLineRow[]>> {
    const byOrder = new Map<string, OrderLineRow[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return byOrder;
    const rows = await tx
      .select()
      .from(orderLines)
      .where(inArray(orderLines.orderId, orderIds))
      .orderBy(asc(orderLines.orderId), asc(orderLines.lineNo));
    for (const r of rows) byOrder.get(r.orderId)?.push(r);
    return byOrder;
  }

  /** Newest first (ids are time-ordered), after the cursor's id. */
  list(
    filter: { customerId?: string; branchIds?: string[]; branchId?: string; status?: string },
    afterId: string | undefined,
    limit: number,
    tx: DbOrTx = this.db,
  ): Promise<OrderRow[]> {
    const where: (SQL | undefined)[] = [
      filter.customerId ? eq(orders.customerId, filter.customerId) : undefined,
      filter.branchIds ? inArray(orders.branchId, filter.branchIds) : undefined,
      filter.branchId ? eq(orders.branchId, filter.branchId) : undefined,
      filter.status ? eq(orders.status, filter.status) : undefined,
      afterId ? lt(orders.id, afterId) : undefined,
    ];
    return tx
      .select()
      .from(orders)
      .where(and(...where))
      .orderBy(desc(orders.id))
      .limit(limit);
  }

  /** The conditional step (db/transitions.ts): answers the moved row, or undefined when it was not in `from`. */
  async move(id: string, from: string, to: string, tx: DbOrTx): Promise<OrderRow | undefined> {
    const [row] = await moveStatus(tx, orders, orders.status, eq(orders.id, id), from, to, {
      updatedAt: new Date(),
      version: sql`${orders.version} + 1`,
    });
    return row;
  }

  /** The prescriptions each order was placed with (ids of uploads), in id order. */
  async prescriptionsOf(orderIds: string[], tx: DbOrTx = this.db): Promise<Map<string, string[]>> {
    const byOrder = new Map<string, string[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return byOrder;
    const rows = await tx
      .select()
      .from(orderPrescriptions)
      .where(inArray(orderPrescriptions.orderId, orderIds))
      .orderBy(asc(orderPrescriptions.orderId), asc(orderPrescriptions.uploadId));
    for (const r of rows) byOrder.get(r.orderId)?.push(r.uploadId);
    return byOrder;
  }

  /** Records the pharmacist's decision on one Rx line (the order row is locked by the caller). */
  /**
   * The other orders placed with any of these uploads (a photo named again: the pharmacist must see that it
   * was filled before), newest first, at most `limit`.
   */
  async otherUsesOf(
    orderId: string,
    uploadIds: string[],
    limit: number,
    tx: DbOrTx = this.db,
  ): Promise<{ prescriptionId: string; orderId: string; branchId: string; status: string; placedAt: Date }[]> {
    if (uploadIds.length === 0) return [];
    return tx
      .select({
        prescriptionId: orderPrescriptions.uploadId,
        orderId: orders.id,
        branchId: orders.branchId,
        status: orders.status,
        placedAt: orders.placedAt,
      })
      .from(orderPrescriptions)
      .innerJoin(orders, eq(orders.id, orderPrescriptions.orderId))
      .where(and(inArray(orderPrescriptions.uploadId, uploadIds), ne(orderPrescriptions.orderId, orderId)))
      .orderBy(desc(orders.id), asc(orderPrescriptions.uploadId))
      .limit(limit);
  }

  async decideLine(
    orderId: string,
    lineNo: number,
    decision: {
      verification: 'approved' | 'rejected';
      prescriptionId: string | null;
      verifiedBy: string;
      note: string | null;
    },
    at: Date,
    tx: DbOrTx,
  ): Promise<void> {
    await tx
      .update(orderLines)
      .set({
        verification: decision.verification,
        prescriptionId: decision.prescriptionId,
        verifiedBy: decision.verifiedBy,
        verifiedAt: at,
        verificationNote: decision.note,
      })
      .where(and(eq(orderLines.orderId, orderId), eq(orderLines.lineNo, lineNo)));
  }

  /**
   * Open orders that waited too long in a state (since they entered it: the step that moved them set
   * updated_at), oldest first, for the expiry job.
   */
  async overdue(status: string, enteredBefore: Date, limit: number, tx: DbOrTx = this.db): Promise<string[]> {
    const rows = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.status, status), lt(orders.updatedAt, enteredBefore)))
      .orderBy(asc(orders.updatedAt))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** A refund with its lines, and the order's refunded sum raised by it (the order row is locked by the caller). */
  async insertRefund(
    refund: typeof orderRefunds.$inferInsert & { id: string },
    lines: Omit<RefundLineRow, 'refundId' | 'orderId'>[],
    tx: DbOrTx,
  ): Promise<{ refund: RefundRow; lines: RefundLineRow[] }> {
    const [row] = await tx.insert(orderRefunds).values(refund).returning();
    const lineRows =
      lines.length > 0
        ? await tx
            .insert(orderRefundLines)
            .values(lines.map((l) => ({ ...l, refundId: refund.id, orderId: refund.orderId })))
            .returning()
        : [];
    await tx
      .update(orders)
      .set({ refundedMinor: sql`${orders.refundedMinor} + ${refund.amountMinor}`, updatedAt: new Date() })
      .where(eq(orders.id, refund.orderId));
    return { refund: row!, lines: lineRows.sort((a, b) => a.lineNo - b.lineNo) };
  }

  /** Units of each line already handed back by earlier refunds. */
  async returnedUnits(orderId: string, tx: DbOrTx): Promise<Map<number, number>> {
    const rows = await tx
      .select({ lineNo: orderRefundLines.lineNo, quantity: sql<number>`sum(${orderRefundLines.quantity})::int` })
      .from(orderRefundLines)
      .where(eq(orderRefundLines.orderId, orderId))
      .groupBy(orderRefundLines.lineNo);
    return new Map(rows.map((r) => [r.lineNo, Number(r.quantity)]));
  }

  async refundsOf(orderId: string, tx: DbOrTx = this.db): Promise<{ refund: RefundRow; lines: RefundLineRow[] }[]> {
    const refunds = await tx
      .select()
      .from(orderRefunds)
      .where(eq(orderRefunds.orderId, orderId))
      .orderBy(asc(orderRefunds.id));
    const lines = await tx
      .select()
      .from(orderRefundLines)
      .where(eq(orderRefundLines.orderId, orderId))
      .orderBy(asc(orderRefundLines.lineNo));
    return refunds.map((refund) => ({ refund, lines: lines.filter((l) => l.refundId === refund.id) }));
  }

  async appendTransition(
    row: { orderId: string; fromStatus: string; toStatus: string; actorId: string | null; reason: string | null },
    tx: DbOrTx,
  ): Promise<void> {
    await tx.insert(orderTransitions).values(row);
  }

  async history(orderId: string, tx: DbOrTx = this.db) {
    return tx
      .select()
      .from(orderTransitions)
      .where(eq(orderTransitions.orderId, orderId))
      .orderBy(asc(orderTransitions.at), asc(orderTransitions.id));
  }
}
