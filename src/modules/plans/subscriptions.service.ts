import { Inject, Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { dbRefusal } from '../../db/refusal.js';
import type { Actor, UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { OutboxService } from '../../kernel/events/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import { illegalTransition, transition } from '../../kernel/state-machine.js';
import { AuditService } from '../audit/index.js';
import { Accounts, LedgerService, credit, debit } from '../payments/index.js';
import type { SubscribeBody, SubscriptionView } from './plans.dto.js';
import { PlanErrors } from './plans.errors.js';
import { PlanEvents, type SubscriptionChange } from './plans.events.js';
import { subscriptionMachine, type SubscriptionStatus } from './plans.machine.js';
import { PlansRepository, type SubscriptionPatch, type SubscriptionRow } from './plans.repository.js';
import { addInterval, chargeKey, type PlanInterval } from './plans.rules.js';
import { subscriptionView } from './plans.view.js';

const UNIQUE_VIOLATION = '23505';

/**
 * Subscribing, reading and cancelling (customer side), and the pieces the renewal job shares: the charge of a
 * period and the lifecycle step with its event. A charge is one ledger entry keyed by (subscription, period),
 * posted in the subscription's transaction: a refusal (409 payments/insufficient-funds) leaves nothing.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly repo: PlansRepository,
    private readonly ledger: LedgerService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async subscribe(actor: UserActor, body: SubscribeBody, tx?: DbOrTx): Promise<SubscriptionView> {
    // Card subscriptions need a recurring card flow (a saved card or a checkout page per period): not built yet.
    if (body.paymentMethod === 'card') throw PlanErrors.cardUnavailable();
    try {
      return await this.repo.transaction(async (t) => {
        const plan = await this.repo.planById(body.planId, t);
        if (!plan) throw PlanErrors.planNotFound();
        if (!plan.active) throw PlanErrors.planInactive();
        if (await this.repo.liveOf(actor.userId, t)) throw PlanErrors.alreadySubscribed();
        const now = this.clock.now();
        const row = await this.repo.insertSubscription(
          {
            id: newId(),
            customerId: actor.userId,
            planId: plan.id,
            status: 'active',
            paymentMethod: body.paymentMethod,
            priceMinor: plan.priceMinor,
            currency: plan.currency,
            interval: plan.interval,
            periodNo: 1,
            currentPeriodStart: now,
            currentPeriodEnd: addInterval(now, plan.interval as PlanInterval),
          },
          t,
        );
        await this.charge(row, 1, actor, t);
        await this.publish(row, null, 'subscribed', t);
        return subscriptionView(row, plan, 0);
      }, tx);
    } catch (err) {
      const refused = dbRefusal(err);
      if (refused?.code === UNIQUE_VIOLATION && refused.constraint === 'subscriptions_one_live_key')
        throw PlanErrors.alreadySubscribed();
      throw err;
    }
  }

  /** The caller's live subscription (active or past_due), or null. */
  async mine(actor: UserActor): Promise<{ subscription: SubscriptionView | null }> {
    const row = await this.repo.liveOf(actor.userId);
    return { subscription: row ? await this.view(row) : null };
  }

  /**
   * Cancels at period end: an active one keeps its benefits until `currentPeriodEnd` (the renewal job ends it
   * then, and charges nothing); a past_due one has no paid period left and ends now. Another customer's
   * subscription answers 404 like a missing one (audited).
   */
  async cancel(actor: UserActor, id: string, meta?: RequestMeta, tx?: DbOrTx): Promise<SubscriptionView> {
    const row = await this.repo.transaction(async (t) => {
      const current = await this.repo.subscriptionById(id, t, true);
      if (!current || current.customerId !== actor.userId)
        throw await this.audit.notYours(actor, 'subscription', id, meta, PlanErrors.subscriptionNotFound());
      if (current.status === 'active') {
        if (current.cancelAtPeriodEnd) throw PlanErrors.alreadyCancelled();
        const updated = (await this.repo.patch(id, { cancelAtPeriodEnd: true }, t))!;
        await this.publish(updated, 'active', 'cancel_requested', t);
        return updated;
      }
      if (current.status === 'past_due')
        return this.step(
          current,
          'cancelled',
          actor,
          { endedAt: this.clock.now(), cancelAtPeriodEnd: true },
          'cancelled',
          t,
        );
      throw illegalTransition(subscriptionMachine.name, current.status, 'cancelled');
    }, tx);
    return this.view(row);
  }

  async view(row: SubscriptionRow, tx?: DbOrTx): Promise<SubscriptionView> {
    const plan = (await this.repo.planById(row.planId, tx))!;
    const used = await this.repo.usesIn(row.id, row.periodNo, 'video_consultation', tx);
    return subscriptionView(row, plan, used);
  }

  /** Charges period `periodNo` from the wallet, once per key (a retry of the same period posts nothing). */
  async charge(row: SubscriptionRow, periodNo: number, actor: Actor, tx: DbOrTx): Promise<void> {
    if (row.priceMinor === 0) return;
    await this.ledger.post(
      {
        key: chargeKey(row.id, periodNo),
        kind: 'subscription.charge',
        refType: 'subscription',
        refId: row.id,
        actor,
        lines: [debit(Accounts.wallet(row.customerId), row.priceMinor), credit(Accounts.revenue, row.priceMinor)],
      },
      tx,
    );
  }

  /** One lifecycle step through the transitions table, with its event in the same transaction. */
  async step(
    row: SubscriptionRow,
    to: SubscriptionStatus,
    actor: Actor,
    set: SubscriptionPatch,
    change: SubscriptionChange,
    tx: DbOrTx,
  ): Promise<SubscriptionRow> {
    const from = row.status as SubscriptionStatus;
    return transition(
      subscriptionMachine,
      { from, to, actor },
      { move: (f, s) => this.repo.move(row.id, f, s, set, tx), current: () => this.repo.statusOf(row.id, tx) },
      { after: (_step, moved) => this.publish(moved, from, change, tx) },
    );
  }

  async publish(row: SubscriptionRow, from: string | null, change: SubscriptionChange, tx: DbOrTx): Promise<void> {
    await this.outbox.publish(
      PlanEvents.subscriptionUpdated,
      {
        subscriptionId: row.id,
        customerId: row.customerId,
        planId: row.planId,
        status: row.status,
        from,
        change,
        periodNo: row.periodNo,
        currentPeriodEnd: row.currentPeriodEnd.toISOString(),
        cancelAtPeriodEnd: row.cancelAtPeriodEnd,
      },
      tx,
    );
  }
}
