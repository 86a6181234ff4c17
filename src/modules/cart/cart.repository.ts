import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import { cartItems, carts } from './cart.tables.js';

export interface CartItemRow {
  productId: string;
  quantity: number;
  addedAt: Date;
  /** The e-prescription line it fills (Rx to cart), else null. */
  rxLineId: string | null;
}

export interface CartRow {
  couponCode: string | null;
  updatedAt: Date;
  /** Oldest first (then by product id): the order the customer added them in. */
  items: CartItemRow[];
}

/** All SQL of the cart module (rule 4). Decides nothing. */
@Injectable()
export class CartRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** `fn` in the caller's transaction `tx`, or in a new one (db/transaction.ts). */
  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  /** The cart with its lines in one statement; undefined when the customer never had one. */
  async find(customerId: string, tx: DbOrTx = this.db): Promise<CartRow | undefined> {
    const rows = await tx
      .select({
        couponCode: carts.couponCode,
        updatedAt: carts.updatedAt,
        productId: cartItems.productId,
        quantity: cartItems.quantity,
        addedAt: cartItems.addedAt,
        rxLineId: cartItems.rxLineId,
      })
      .from(carts)
      .leftJoin(cartItems, eq(cartItems.customerId, carts.customerId))
      .where(eq(carts.customerId, customerId))
      .orderBy(asc(cartItems.addedAt), asc(cartItems.productId));
    if (rows.length === 0) return undefined;
    const items = rows.flatMap((r) =>
      r.productId === null
        ? []
        : [{ productId: r.productId, quantity: r.quantity!, addedAt: r.addedAt!, rxLineId: r.rxLineId }],
    );
    return { couponCode: rows[0].couponCode, updatedAt: rows[0].updatedAt, items };
  }

  /**
   * Creates the cart unless it exists and stamps it changed; either way its row stays locked until `tx`
   * ends, so the changes of one customer's cart run one at a time (a line limit checked here holds).
   */
  async lockOrCreate(customerId: string, now: Date, tx: DbOrTx): Promise<void> {
    await tx
      .insert(carts)
      .values({ customerId, updatedAt: now })
      .onConflictDoUpdate({ target: carts.customerId, set: { updatedAt: now } });
  }

  /** Stamps an existing cart changed and locks it like `lockOrCreate`; false when there is none. */
  async lock(customerId: string, now: Date, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .update(carts)
      .set({ updatedAt: now })
      .where(eq(carts.customerId, customerId))
      .returning({ customerId: carts.customerId });
    return rows.length === 1;
  }

  async lineCount(customerId: string, tx: DbOrTx): Promise<number> {
    const [row] = await tx.select({ n: count() }).from(cartItems).where(eq(cartItems.customerId, customerId));
    return Number(row.n);
  }

  async hasItem(customerId: string, productId: string, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .select({ productId: cartItems.productId })
      .from(cartItems)
      .where(and(eq(cartItems.customerId, customerId), eq(cartItems.productId, productId)));
    return rows.length === 1;
  }

  /** Sets the line's quantity, adding the line (stamped `now`) when it is new; a changed line keeps its place. */
  async upsertItem(customerId: string, productId: string, quantity: number, now: Date, tx: DbOrTx): Promise<void> {
    await tx
      .insert(cartItems)
      .values({ customerId, productId, quantity, addedAt: now })
      .onConflictDoUpdate({ target: [cartItems.customerId, cartItems.productId], set: { quantity } });
  }

  /** Sets the line as filled from a prescription line (quantity and link), adding it when new. */
  async upsertPrescribed(
    customerId: string,
    item: { productId: string; quantity: number; rxLineId: string },
    now: Date,
    tx: DbOrTx,
  ): Promise<void> {
    await tx
      .insert(cartItems)
      .values({ customerId, ...item, addedAt: now })
      .onConflictDoUpdate({
        target: [cartItems.customerId, cartItems.productId],
        set: { quantity: item.quantity, rxLineId: item.rxLineId },
      });
  }

  async deleteItem(customerId: string, productId: string, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .delete(cartItems)
      .where(and(eq(cartItems.customerId, customerId), eq(cartItems.productId, productId)))
      .returning({ productId: cartItems.productId });
    return rows.length === 1;
  }

  async setCoupon(customerId: string, code: string | null, tx: DbOrTx): Promise<void> {
    await tx.update(carts).set({ couponCode: code }).where(eq(carts.customerId, customerId));
  }

  /** Every line and the coupon go; the cart row stays (its lock and stamp). */
  async empty(customerId: string, tx: DbOrTx): Promise<void> {
    // One statement (checkout's hot path ends with it).
    await tx.execute(
      sql`with gone as (delete from ${cartItems} where ${cartItems.customerId} = ${customerId})
          update ${carts} set coupon_code = null where ${carts.customerId} = ${customerId}`,
    );
  }
}
