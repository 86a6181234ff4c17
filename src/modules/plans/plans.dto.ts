import { z } from 'zod';
import { idSchema } from '../../kernel/http/index.js';
import { SUBSCRIPTION_STATUSES } from './plans.machine.js';
import { PLAN_INTERVALS } from './plans.rules.js';

const name = z.string().trim().min(1).max(120);
const terms = {
  nameEn: name,
  nameAr: name,
  interval: z.enum(PLAN_INTERVALS),
  priceMinor: z.number().int().min(0).max(100_000_000).describe('Price per period, minor units'),
  active: z.boolean(),
  freeVideoConsultationsPerPeriod: z.number().int().min(0).max(1000),
  freeDelivery: z.boolean(),
  otcPercentOff: z.number().int().min(0).max(100).describe('Percent off OTC (not Rx-only, not controlled) lines'),
};

export const createPlanBody = z.strictObject({
  ...terms,
  active: terms.active.default(true),
  freeVideoConsultationsPerPeriod: terms.freeVideoConsultationsPerPeriod.default(0),
  freeDelivery: terms.freeDelivery.default(false),
  otcPercentOff: terms.otcPercentOff.default(0),
});
export type CreatePlanBody = z.infer<typeof createPlanBody>;

// The interval is fixed once created: current subscribers keep the one they agreed to.
export const updatePlanBody = z
  .strictObject({
    nameEn: terms.nameEn.optional(),
    nameAr: terms.nameAr.optional(),
    priceMinor: terms.priceMinor.optional(),
    active: terms.active.optional(),
    freeVideoConsultationsPerPeriod: terms.freeVideoConsultationsPerPeriod.optional(),
    freeDelivery: terms.freeDelivery.optional(),
    otcPercentOff: terms.otcPercentOff.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field is required' });
export type UpdatePlanBody = z.infer<typeof updatePlanBody>;

export const planIdParam = idSchema;
export const subscriptionIdParam = idSchema;

export const SUBSCRIPTION_PAYMENT_METHODS = ['wallet', 'card'] as const;
export const subscribeBody = z.strictObject({
  planId: idSchema.describe('An active plan (GET /v1/plans)'),
  paymentMethod: z
    .enum(SUBSCRIPTION_PAYMENT_METHODS)
    .describe(
      '`wallet`: the first period is charged at once. `card`: not available yet (400 `plans/card-unavailable`)',
    ),
});
export type SubscribeBody = z.infer<typeof subscribeBody>;

export const cancelSubscriptionBody = z.strictObject({});
export type CancelSubscriptionBody = z.infer<typeof cancelSubscriptionBody>;

// ---- responses
export const benefitsView = z.object({
  freeVideoConsultationsPerPeriod: z.number().int(),
  freeDelivery: z.boolean(),
  otcPercentOff: z.number().int(),
});
export type BenefitsView = z.infer<typeof benefitsView>;

export const planView = z
  .object({
    id: z.string(),
    nameEn: z.string(),
    nameAr: z.string(),
    interval: z.enum(PLAN_INTERVALS),
    priceMinor: z.number().int(),
    currency: z.string(),
    active: z.boolean(),
    benefits: benefitsView,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Plan' });
export type PlanView = z.infer<typeof planView>;
export const plansList = z.object({ items: z.array(planView) }).meta({ id: 'PlanList' });

export const subscriptionView = z
  .object({
    id: z.string(),
    planId: z.string(),
    plan: planView,
    status: z.enum(SUBSCRIPTION_STATUSES),
    paymentMethod: z.enum(SUBSCRIPTION_PAYMENT_METHODS),
    priceMinor: z.number().int().describe('Charged each period (the price agreed at subscribe time)'),
    currency: z.string(),
    interval: z.enum(PLAN_INTERVALS),
    periodNo: z.number().int(),
    currentPeriodStart: z.string(),
    currentPeriodEnd: z.string(),
    cancelAtPeriodEnd: z.boolean(),
    graceUntil: z.string().nullable().describe('past_due: the renewal is retried daily until then, then it expires'),
    endedAt: z.string().nullable(),
    /** Free video consultations left in the current period (0 unless active). */
    freeVideoConsultationsLeft: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Subscription' });
export type SubscriptionView = z.infer<typeof subscriptionView>;
export const mySubscriptionView = z
  .object({
    subscription: z.union([subscriptionView, z.null()]).describe('The live (active or past_due) one, else null'),
  })
  .meta({ id: 'MySubscription' });
