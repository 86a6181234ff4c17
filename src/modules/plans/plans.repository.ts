import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, eq, inArray, lte, or } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import { moveStatus } from '../../db/transitions.js';
import { LIVE_STATUSES, type SubscriptionStatus } from './plans.machine.js';
import { plans, subscriptionBenefitUses, subscriptions } from './plans.tables.js';

export type PlanRow = typeof plans.$inferSelect;
export type NewPlan = typeof plans.$inferInsert;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type NewSubscription = typeof subscriptions.$inferInsert;
export type SubscriptionPatch = Partial<
  Pick<
    SubscriptionRow,
    | 'periodNo'
    | 'currentPeriodStart'
    | 'currentPeriodEnd'
    | 'cancelAtPeriodEnd'
    | 'graceUntil'
    | 'nextRetryAt'
    | 'endedAt'
  >
>;

/** All SQL of plans and subscriptions (rule 4). Decides nothing; writes run in the caller's transaction. */
@Injectable()
export class PlansRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  // ---- plans
  async insertPlan(row: NewPlan, tx: DbOrTx): Promise<PlanRow> {
    return (await tx.insert(plans).values(row).returning())[0]!;
  }

  async updatePlan(id: string, patch: Partial<NewPlan>, tx: DbOrTx): Promise<PlanRow | undefined> {
    return (await tx.update(plans).set(patch).where(eq(plans.id, id)).returning())[0];
  }

  async planById(id: string, tx: DbOrTx = this.db, lock = false): Promise<PlanRow | undefined> {
    const q = tx.select().from(plans).where(eq(plans.id, id));
    return (await (lock ? q.for('update') : q))[0];
  }

  activePlans(): Promise<PlanRow[]> {
    return this.db.select().from(plans).where(eq(plans.active, true)).orderBy(asc(plans.priceMinor), asc(plans.id));
  }

  // ---- subscriptions
  async insertSubscription(row: NewSubscription, tx: DbOrTx): Promise<SubscriptionRow> {
    return (await tx.insert(subscriptions).values(row).returning())[0]!;
  }

  async subscriptionById(id: string, tx: DbOrTx = this.db, lock = false): Promise<SubscriptionRow | undefined> {
    const q = tx.select().from(subscriptions).where(eq(subscriptions.id, id));
    return (await (lock ? q.for('update') : q))[0];
  }

  /** The customer's live (active or past_due) subscription; `lock` holds it until the transaction ends. */
  async liveOf(customerId: string, tx: DbOrTx = this.db, lock = false): Promise<SubscriptionRow | undefined> {
    const q = tx
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.customerId, customerId), inArray(subscriptions.status, [...LIVE_STATUSES])));
    return (await (lock ? q.for('update') : q))[0];
  }

  async patch(id: string, patch: SubscriptionPatch, tx: DbOrTx): Promise<SubscriptionRow | undefined> {
    return (await tx.update(subscriptions).set(patch).where(eq(subscriptions.id, id)).returning())[0];
  }

  /** The conditional update of one lifecycle step (db/transitions.ts). */
  async move(
    id: string,
    from: SubscriptionStatus,
    to: SubscriptionStatus,
    set: SubscriptionPatch,
    tx: DbOrTx,
  ): Promise<SubscriptionRow | undefined> {
    return (await moveStatus(tx, subscriptions, subscriptions.status, eq(subscriptions.id, id), from, to, set))[0];
  }

  async statusOf(id: string, tx: DbOrTx): Promise<SubscriptionStatus | undefined> {
    const rows = await tx.select({ status: subscriptions.status }).from(subscriptions).where(eq(subscriptions.id, id));
    return rows[0]?.status as SubscriptionStatus | undefined;
  }

  /** Ids the renewal job must look at: active ones past their period end, past_due ones due a retry. */
  async dueIds(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(
        or(
          and(eq(subscriptions.status, 'active'), lte(subscriptions.currentPeriodEnd, now)),
          and(eq(subscriptions.status, 'past_due'), lte(subscriptions.nextRetryAt, now)),
        ),
      )
      .orderBy(asc(subscriptions.id))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** Locks one subscription for the job, skipping it when another worker holds it. */
  async lockForJob(id: string, tx: DbOrTx): Promise<SubscriptionRow | undefined> {
    return (
      await tx.select().from(subscriptions).where(eq(subscriptions.id, id)).for('update', { skipLocked: true })
    )[0];
  }

  // ---- benefit uses
  async usesIn(subscriptionId: string, periodNo: number, benefit: string, tx: DbOrTx = this.db): Promise<number> {
    const rows = await tx
      .select({ n: count() })
      .from(subscriptionBenefitUses)
      .where(
        and(
          eq(subscriptionBenefitUses.subscriptionId, subscriptionId),
          eq(subscriptionBenefitUses.periodNo, periodNo),
          eq(subscriptionBenefitUses.benefit, benefit),
        ),
      );
    return Number(rows[0]?.n ?? 0);
  }

  async hasUse(subscriptionId: string, periodNo: number, benefit: string, ref: string, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .select({ id: subscriptionBenefitUses.id })
      .from(subscriptionBenefitUses)
      .where(
        and(
          eq(subscriptionBenefitUses.subscriptionId, subscriptionId),
          eq(subscriptionBenefitUses.periodNo, periodNo),
          eq(subscriptionBenefitUses.benefit, benefit),
          eq(subscriptionBenefitUses.ref, ref),
        ),
      );
    return rows.length > 0;
  }

  async insertUse(subscriptionId: string, periodNo: number, benefit: string, ref: string, tx: DbOrTx): Promise<void> {
    await tx
      .insert(subscriptionBenefitUses)
      .values({ subscriptionId, periodNo, benefit, ref })
      .onConflictDoNothing({
        target: [
          subscriptionBenefitUses.subscriptionId,
          subscriptionBenefitUses.periodNo,
          subscriptionBenefitUses.benefit,
          subscriptionBenefitUses.ref,
        ],
      });
  }

  /** Gives a use back (what used it was cancelled); answers whether one was there. */
  async deleteUse(subscriptionId: string, benefit: string, ref: string, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .delete(subscriptionBenefitUses)
      .where(
        and(
          eq(subscriptionBenefitUses.subscriptionId, subscriptionId),
          eq(subscriptionBenefitUses.benefit, benefit),
          eq(subscriptionBenefitUses.ref, ref),
        ),
      )
      .returning({ id: subscriptionBenefitUses.id });
    return rows.length > 0;
  }

  /** Plans by id (for views of several subscriptions). */
  async plansByIds(ids: string[], tx: DbOrTx = this.db): Promise<PlanRow[]> {
    if (ids.length === 0) return [];
    return tx.select().from(plans).where(inArray(plans.id, ids));
  }
}
