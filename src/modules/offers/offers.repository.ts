import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, desc, eq, gt, ilike, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import { offerRedemptions, offers } from './offers.tables.js';

export type OfferRow = typeof offers.$inferSelect;
export type NewOffer = typeof offers.$inferInsert;
export type RedemptionRow = typeof offerRedemptions.$inferSelect;
export type OfferStatus = 'active' | 'scheduled' | 'ended' | 'inactive';

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => '\\' + m);

/** All SQL of the offers module (rule 4). Decides nothing. */
@Injectable()
export class OffersRepository {
  constructor(@Inject(DB) readonly db: Db) {}

  /** `fn` in the caller's transaction `tx`, or in a new one (db/transaction.ts). */
  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  async insert(offer: NewOffer, tx: DbOrTx = this.db): Promise<OfferRow> {
    const [row] = await tx.insert(offers).values(offer).returning();
    return row;
  }

  async update(id: string, patch: Partial<NewOffer>, tx: DbOrTx = this.db): Promise<OfferRow | undefined> {
    const [row] = await tx.update(offers).set(patch).where(eq(offers.id, id)).returning();
    return row;
  }

  async findById(id: string, tx: DbOrTx = this.db): Promise<OfferRow | undefined> {
    const [row] = await tx.select().from(offers).where(eq(offers.id, id));
    return row;
  }

  /** The offer row, locked until the transaction ends: redemptions and changes of one offer run one at a time. */
  async lockById(id: string, tx: DbOrTx): Promise<OfferRow | undefined> {
    const [row] = await tx.select().from(offers).where(eq(offers.id, id)).for('update');
    return row;
  }

  listForAdmin(
    filter: { status?: OfferStatus; q?: string; couponCode?: string; before?: string; now: Date },
    limit: number,
  ): Promise<OfferRow[]> {
    const like = filter.q ? `%${escapeLike(filter.q)}%` : undefined;
    return this.db
      .select()
      .from(offers)
      .where(
        and(
          filter.status ? statusIs(filter.status, filter.now) : undefined,
          like ? or(ilike(offers.nameEn, like), ilike(offers.nameAr, like)) : undefined,
          filter.couponCode ? sql`lower(${offers.couponCode}) = lower(${filter.couponCode})` : undefined,
          filter.before ? lt(offers.id, filter.before) : undefined,
        ),
      )
      .orderBy(desc(offers.id))
      .limit(limit);
  }

  /** Active offers in their window without a coupon code, ending soonest first (keyset on ends_at, id). */
  listPublic(
    filter: {
      scope?: OfferRow['scope'];
      productId?: string;
      categoryId?: string;
      after?: { endsAt: Date; id: string };
      now: Date;
    },
    limit: number,
  ): Promise<OfferRow[]> {
    const after = filter.after;
    return this.db
      .select()
      .from(offers)
      .where(
        and(
          statusIs('active', filter.now),
          isNull(offers.couponCode),
          filter.scope ? eq(offers.scope, filter.scope) : undefined,
          filter.productId ? eq(offers.productId, filter.productId) : undefined,
          filter.categoryId ? eq(offers.categoryId, filter.categoryId) : undefined,
          after
            ? or(gt(offers.endsAt, after.endsAt), and(eq(offers.endsAt, after.endsAt), gt(offers.id, after.id)))
            : undefined,
        ),
      )
      .orderBy(asc(offers.endsAt), asc(offers.id))
      .limit(limit);
  }

  /**
   * Offers that may apply to a cart now: active, in their window, automatic or carrying `coupon`, and aimed
   * at the whole cart or at one of the given products or categories.
   */
  candidatesFor(
    input: { productIds: string[]; categoryIds: string[]; coupon?: string; now: Date },
    tx: DbOrTx = this.db,
  ): Promise<OfferRow[]> {
    return tx
      .select()
      .from(offers)
      .where(
        and(
          statusIs('active', input.now),
          input.coupon
            ? or(isNull(offers.couponCode), sql`lower(${offers.couponCode}) = lower(${input.coupon})`)
            : isNull(offers.couponCode),
          or(
            eq(offers.scope, 'cart'),
            input.productIds.length > 0 ? inArray(offers.productId, input.productIds) : undefined,
            input.categoryIds.length > 0 ? inArray(offers.categoryId, input.categoryIds) : undefined,
          ),
        ),
      );
  }

  /** The offer carrying this coupon code (compared case-insensitively), whatever its status. */
  async findByCoupon(code: string, tx: DbOrTx = this.db): Promise<OfferRow | undefined> {
    const [row] = await tx
      .select()
      .from(offers)
      .where(sql`lower(${offers.couponCode}) = lower(${code})`);
    return row;
  }

  // ---- redemptions
  async findRedemption(offerId: string, reference: string, tx: DbOrTx = this.db): Promise<RedemptionRow | undefined> {
    const [row] = await tx
      .select()
      .from(offerRedemptions)
      .where(and(eq(offerRedemptions.offerId, offerId), eq(offerRedemptions.reference, reference)));
    return row;
  }

  async countByCustomer(offerId: string, customerId: string, tx: DbOrTx = this.db): Promise<number> {
    const [row] = await tx
      .select({ n: count() })
      .from(offerRedemptions)
      .where(and(eq(offerRedemptions.offerId, offerId), eq(offerRedemptions.customerId, customerId)));
    return Number(row.n);
  }

  /** Redemptions per offer of one customer. */
  async usageOf(customerId: string, offerIds: string[], tx: DbOrTx = this.db): Promise<Record<string, number>> {
    if (offerIds.length === 0) return {};
    const rows = await tx
      .select({ offerId: offerRedemptions.offerId, n: count() })
      .from(offerRedemptions)
      .where(and(eq(offerRedemptions.customerId, customerId), inArray(offerRedemptions.offerId, offerIds)))
      .groupBy(offerRedemptions.offerId);
    return Object.fromEntries(rows.map((r) => [r.offerId, Number(r.n)]));
  }

  /**
   * Counts one use if the global limit allows it. The condition is in the UPDATE itself, so two concurrent
   * callers can never both take the last use (and the offers_usage CHECK backs it). Returns false when full.
   */
  async takeUse(offerId: string, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .update(offers)
      .set({ usedCount: sql`${offers.usedCount} + 1` })
      .where(
        and(eq(offers.id, offerId), or(isNull(offers.globalLimit), lt(offers.usedCount, sql`${offers.globalLimit}`))),
      )
      .returning({ id: offers.id });
    return rows.length === 1;
  }

  async giveBackUse(offerId: string, tx: DbOrTx): Promise<void> {
    await tx
      .update(offers)
      .set({ usedCount: sql`${offers.usedCount} - 1` })
      .where(and(eq(offers.id, offerId), gt(offers.usedCount, 0)));
  }

  async insertRedemption(r: { offerId: string; customerId: string; reference: string }, tx: DbOrTx) {
    const [row] = await tx.insert(offerRedemptions).values(r).returning();
    return row;
  }

  async deleteRedemption(id: string, tx: DbOrTx): Promise<void> {
    await tx.delete(offerRedemptions).where(eq(offerRedemptions.id, id));
  }
}

function statusIs(status: OfferStatus, now: Date): SQL | undefined {
  switch (status) {
    case 'active':
      return and(eq(offers.active, true), lte(offers.startsAt, now), gt(offers.endsAt, now));
    case 'scheduled':
      return and(eq(offers.active, true), gt(offers.startsAt, now));
    case 'ended':
      return and(eq(offers.active, true), lte(offers.endsAt, now));
    case 'inactive':
      return eq(offers.active, false);
  }
}
