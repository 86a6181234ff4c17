import type { PlanView, SubscriptionView } from './plans.dto.js';
import type { PlanInterval } from './plans.rules.js';
import type { PlanRow, SubscriptionRow } from './plans.repository.js';
import type { SubscriptionStatus } from './plans.machine.js';

export const planView = (r: PlanRow): PlanView => ({
  id: r.id,
  nameEn: r.nameEn,
  nameAr: r.nameAr,
  interval: r.interval as PlanInterval,
  priceMinor: r.priceMinor,
  currency: r.currency,
  active: r.active,
  benefits: {
    freeVideoConsultationsPerPeriod: r.freeVideoConsultations,
    freeDelivery: r.freeDelivery,
    otcPercentOff: r.otcPercentOff,
  },
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const subscriptionView = (r: SubscriptionRow, plan: PlanRow, videoUsed: number): SubscriptionView => ({
  id: r.id,
  planId: r.planId,
  plan: planView(plan),
  status: r.status as SubscriptionStatus,
  paymentMethod: r.paymentMethod as SubscriptionView['paymentMethod'],
  priceMinor: r.priceMinor,
  currency: r.currency,
  interval: r.interval as PlanInterval,
  periodNo: r.periodNo,
  currentPeriodStart: r.currentPeriodStart.toISOString(),
  currentPeriodEnd: r.currentPeriodEnd.toISOString(),
  cancelAtPeriodEnd: r.cancelAtPeriodEnd,
  graceUntil: r.graceUntil?.toISOString() ?? null,
  endedAt: r.endedAt?.toISOString() ?? null,
  freeVideoConsultationsLeft: r.status === 'active' ? Math.max(0, plan.freeVideoConsultations - videoUsed) : 0,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
