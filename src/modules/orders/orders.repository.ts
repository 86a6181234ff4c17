import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import { moveStatus } from '../../db/transitions.js';
import { orderLines, orderTransitions, orders } from './orders.tables.js';

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type NewOrder = typeof orders.$inferInsert;
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

  /** The order, its lines and its first history row, in the caller's transaction. */
  async insert(
    order: NewOrder & { id: string },
    lines: NewOrderLine[],
    actorId: string | null,
    tx: DbOrTx,
  ): Promise<OrderWithLines> {
    const [row] = await tx.insert(orders).values(order).returning();
    const lineRows = await tx
      .insert(orderLines)
      .values(lines.map((l) => ({ ...l, orderId: order.id })))
      .returning();
    await tx.insert(orderTransitions).values({ orderId: order.id, fromStatus: null, toStatus: order.status, actorId });
    return { order: row!, lines: lineRows.sort((a, b) => a.lineNo - b.lineNo) };
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
