import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { SYSTEM_ACTOR } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import { PlansRepository, type SubscriptionRow } from './plans.repository.js';
import { DAY_MS, addInterval, type PlanInterval } from './plans.rules.js';
import { SubscriptionsService } from './subscriptions.service.js';

const BATCH = 500;

/** What the renewal job did with one subscription. */
export type RenewalOutcome =
  'renewed' | 'cancelled' | 'past_due' | 'retry_failed' | 'reactivated' | 'expired' | 'skipped';

/**
 * The renewal job's use case (plans.jobs.ts). At period end an active subscription is charged from the wallet
 * for its next period (one ledger key per period: a retry, or two workers, post it once) or, when it asked to
 * cancel, ends as `cancelled`. A failed charge makes it `past_due` until `graceUntil` (PLAN_GRACE_DAYS after
 * the period end), retried daily; paid meanwhile it is active again with a period starting at the payment;
 * still unpaid at the end of grace it `expired`. Each subscription is handled in its own transaction, locked
 * (a row another worker holds is skipped).
 */
@Injectable()
export class RenewalsService {
  private readonly logger = new Logger('PlansRenewals');

  constructor(
    private readonly repo: PlansRepository,
    private readonly subscriptions: SubscriptionsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Handles every subscription due at `now`; answers how many moved per outcome. */
  async renewDue(now: Date = this.clock.now()): Promise<Partial<Record<RenewalOutcome, number>>> {
    const counts: Partial<Record<RenewalOutcome, number>> = {};
    for (const id of await this.repo.dueIds(now, BATCH)) {
      try {
        const outcome = await this.renewOne(id, now);
        counts[outcome] = (counts[outcome] ?? 0) + 1;
      } catch (err) {
        // One subscription's failure must not stop the others; the next run retries it.
        this.logger.error(`renewal of subscription ${id} failed: ${(err as Error).message}`);
      }
    }
    return counts;
  }

  async renewOne(id: string, now: Date, tx?: DbOrTx): Promise<RenewalOutcome> {
    return this.repo.transaction(async (t) => {
      const row = await this.repo.lockForJob(id, t);
      if (!row) return 'skipped';
      if (row.status === 'active' && row.currentPeriodEnd <= now) return this.atPeriodEnd(row, now, t);
      if (row.status === 'past_due' && row.nextRetryAt && row.nextRetryAt <= now) return this.retry(row, now, t);
      return 'skipped';
    }, tx);
  }

  private async atPeriodEnd(row: SubscriptionRow, now: Date, t: DbOrTx): Promise<RenewalOutcome> {
    if (row.cancelAtPeriodEnd) {
      await this.subscriptions.step(row, 'cancelled', SYSTEM_ACTOR, { endedAt: now }, 'cancelled', t);
      return 'cancelled';
    }
    const next = row.periodNo + 1;
    if (await this.tryCharge(row, next, t)) {
      const start = row.currentPeriodEnd;
      const updated = (await this.repo.patch(
        row.id,
        {
          periodNo: next,
          currentPeriodStart: start,
          currentPeriodEnd: addInterval(start, row.interval as PlanInterval),
        },
        t,
      ))!;
      await this.subscriptions.publish(updated, 'active', 'renewed', t);
      return 'renewed';
    }
    const graceUntil = new Date(row.currentPeriodEnd.getTime() + this.config.plans.graceDays * DAY_MS);
    await this.subscriptions.step(
      row,
      'past_due',
      SYSTEM_ACTOR,
      { graceUntil, nextRetryAt: this.nextRetry(now, graceUntil) },
      'renewal_failed',
      t,
    );
    return 'past_due';
  }

  private async retry(row: SubscriptionRow, now: Date, t: DbOrTx): Promise<RenewalOutcome> {
    const next = row.periodNo + 1;
    if (await this.tryCharge(row, next, t)) {
      // The grace days were not paid for: the new period starts at the payment.
      await this.subscriptions.step(
        row,
        'active',
        SYSTEM_ACTOR,
        {
          periodNo: next,
          currentPeriodStart: now,
          currentPeriodEnd: addInterval(now, row.interval as PlanInterval),
          graceUntil: null,
          nextRetryAt: null,
        },
        'reactivated',
        t,
      );
      return 'reactivated';
    }
    if (now >= row.graceUntil!) {
      await this.subscriptions.step(row, 'expired', SYSTEM_ACTOR, { endedAt: now }, 'expired', t);
      return 'expired';
    }
    const updated = (await this.repo.patch(row.id, { nextRetryAt: this.nextRetry(now, row.graceUntil!) }, t))!;
    // Each failed retry is announced again: the reminder to top up before the grace ends.
    await this.subscriptions.publish(updated, 'past_due', 'renewal_failed', t);
    return 'retry_failed';
  }

  /** Daily, and once more at the end of grace (never later: it expires then). */
  private nextRetry(now: Date, graceUntil: Date): Date {
    return new Date(Math.min(now.getTime() + DAY_MS, Math.max(graceUntil.getTime(), now.getTime())));
  }

  /** Charges the period; false when the wallet cannot pay (the ledger wrote nothing then). */
  private async tryCharge(row: SubscriptionRow, periodNo: number, t: DbOrTx): Promise<boolean> {
    if (row.paymentMethod !== 'wallet') return false;
    try {
      await this.subscriptions.charge(row, periodNo, SYSTEM_ACTOR, t);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === 'payments/insufficient-funds') return false;
      throw err;
    }
  }
}
