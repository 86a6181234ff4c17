import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { PlansRepository } from './plans.repository.js';

/** Benefits counted per period (a CHECK in migration 0026 names them). */
export const BENEFITS = ['video_consultation'] as const;
export type Benefit = (typeof BENEFITS)[number];

/** What a customer's plan gives right now (all off without an active subscription). */
export interface Benefits {
  subscriptionId: string | null;
  planId: string | null;
  freeDelivery: boolean;
  /** Percent off OTC lines (not Rx-only, not controlled): checkout applies it. */
  otcPercentOff: number;
  freeVideoConsultationsLeft: number;
}

/** One use of a benefit, counted against a subscription period. */
export interface BenefitUse {
  subscriptionId: string;
  periodNo: number;
  /** True when `ref` had used it already (a retry): nothing more was counted. */
  replayed: boolean;
}

const NONE: Benefits = {
  subscriptionId: null,
  planId: null,
  freeDelivery: false,
  otcPercentOff: 0,
  freeVideoConsultationsLeft: 0,
};

/**
 * What checkout and booking ask of plans (exported from index.ts). Pass the caller's transaction: a booking
 * that uses a free consultation and then fails gives it back by rolling back. Only an `active` subscription
 * gives benefits (past_due: none until paid).
 */
@Injectable()
export class PlansService {
  constructor(private readonly repo: PlansRepository) {}

  /** The customer's benefits now, for pricing (free delivery, OTC percent off, free consultations left). */
  async benefitsFor(customerId: string, tx?: DbOrTx): Promise<Benefits> {
    const live = await this.repo.liveOf(customerId, tx);
    if (!live || live.status !== 'active') return NONE;
    const plan = (await this.repo.planById(live.planId, tx))!;
    const used = await this.repo.usesIn(live.id, live.periodNo, 'video_consultation', tx);
    return {
      subscriptionId: live.id,
      planId: plan.id,
      freeDelivery: plan.freeDelivery,
      otcPercentOff: plan.otcPercentOff,
      freeVideoConsultationsLeft: Math.max(0, plan.freeVideoConsultations - used),
    };
  }

  /**
   * Uses one free `benefit` for `ref` (`appointment:<id>`) in the current period, or answers null when none is
   * left (or no active subscription): the caller then charges as usual. Atomic: the subscription row is locked
   * while the period's uses are counted, so two parallel bookings cannot both take the last one; the same ref
   * again is a replay (unique (subscription, period, benefit, ref)). A period that ended and was not renewed
   * yet (the job runs every 15 min) still counts as current.
   */
  async consumeBenefit(customerId: string, benefit: Benefit, ref: string, tx?: DbOrTx): Promise<BenefitUse | null> {
    return this.repo.transaction(async (t) => {
      const live = await this.repo.liveOf(customerId, t, true);
      if (!live || live.status !== 'active') return null;
      const use = { subscriptionId: live.id, periodNo: live.periodNo };
      if (await this.repo.hasUse(live.id, live.periodNo, benefit, ref, t)) return { ...use, replayed: true };
      const plan = (await this.repo.planById(live.planId, t))!;
      const used = await this.repo.usesIn(live.id, live.periodNo, benefit, t);
      if (used >= plan.freeVideoConsultations) return null;
      await this.repo.insertUse(live.id, live.periodNo, benefit, ref, t);
      return { ...use, replayed: false };
    }, tx);
  }

  /** Gives back what `ref` used (its booking was cancelled): answers whether it had used one. */
  async releaseBenefit(customerId: string, benefit: Benefit, ref: string, tx?: DbOrTx): Promise<boolean> {
    return this.repo.transaction(async (t) => {
      const live = await this.repo.liveOf(customerId, t, true);
      return live ? this.repo.deleteUse(live.id, benefit, ref, t) : false;
    }, tx);
  }
}
