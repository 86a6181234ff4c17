import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The plans module's stable error codes (their en and ar messages below). */
export const PlanErrors = {
  planNotFound: () => AppError.notFound('plans/plan-not-found', 'The plan was not found'),
  /** An inactive plan takes no new subscribers (its current ones renew). */
  planInactive: () =>
    new AppError('validation', 'plans/plan-inactive', 'The plan is not offered', {
      errors: [{ field: 'planId', code: 'invalid_value', message: 'the plan is not offered' }],
    }),
  subscriptionNotFound: () => AppError.notFound('plans/subscription-not-found', 'The subscription was not found'),
  /** The customer already holds an active or past_due subscription (the database's one-live index). */
  alreadySubscribed: () =>
    AppError.conflict('plans/already-subscribed', 'You already have a subscription; cancel it or wait until it ends'),
  /** Subscribing by card needs the card flow for subscriptions, not built yet (and no gateway answers). */
  cardUnavailable: () =>
    new AppError('validation', 'plans/card-unavailable', 'Subscribing by card is not available', {
      errors: [{ field: 'paymentMethod', code: 'invalid_value', message: 'card subscriptions are not available' }],
    }),
  alreadyCancelled: () =>
    AppError.conflict('plans/already-cancelled', 'The subscription is already set to end at the end of its period'),
};

/** What a person reads for each of the plans module's codes (problem+json `detail`, en and ar). */
export const PlansMessages = defineMessages({
  'plans/plan-not-found': { en: 'This plan was not found', ar: 'لم يتم العثور على هذه الخطة' },
  'plans/plan-inactive': { en: 'This plan is no longer offered', ar: 'هذه الخطة لم تعد متاحة' },
  'plans/subscription-not-found': { en: 'This subscription was not found', ar: 'لم يتم العثور على هذا الاشتراك' },
  'plans/already-subscribed': {
    en: 'You already have a subscription',
    ar: 'لديك اشتراك بالفعل',
  },
  'plans/card-unavailable': {
    en: 'Subscribing by card is not available; pay from your wallet',
    ar: 'الاشتراك بالبطاقة غير متاح؛ ادفع من محفظتك',
  },
  'plans/already-cancelled': {
    en: 'This subscription is already set to end at the end of its period',
    ar: 'هذا الاشتراك سينتهي بالفعل في نهاية فترته',
  },
});
