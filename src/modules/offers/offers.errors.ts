import { AppError } from '../../kernel/errors/index.js';

/** The offers module's stable error codes (messages in kernel/errors/messages.ts, en and ar). */
export const OfferErrors = {
  notFound: () => AppError.notFound('offers/not-found', 'The offer was not found'),
  unknownProduct: () =>
    new AppError('validation', 'offers/unknown-product', 'The product does not exist', {
      errors: [{ field: 'productId', code: 'not_found', message: 'does not name a product' }],
    }),
  unknownCategory: () =>
    new AppError('validation', 'offers/unknown-category', 'The category does not exist', {
      errors: [{ field: 'categoryId', code: 'not_found', message: 'does not name a category' }],
    }),
  couponTaken: () => AppError.conflict('offers/coupon-taken', 'Another offer already uses this coupon code'),
  limitBelowUsage: () =>
    AppError.conflict('offers/limit-below-usage', 'The global limit cannot be lower than the redemptions so far'),
  limitReached: () => AppError.conflict('offers/limit-reached', 'This offer has been used up'),
  customerLimitReached: () =>
    AppError.conflict('offers/customer-limit-reached', 'You have already used this offer as often as allowed'),
  notActive: () => AppError.conflict('offers/not-active', 'This offer is not active now'),
  referenceConflict: () =>
    AppError.conflict('offers/reference-conflict', 'This reference already redeemed the offer for another customer'),
};

/** The SQLSTATE and constraint name of a database error (drizzle wraps the driver's error in `cause`). */
export function dbViolation(err: unknown): { code?: string; constraint?: string } {
  let e = err as { code?: unknown; constraint?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++, e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
      return { code: e.code, constraint: typeof e.constraint === 'string' ? e.constraint : undefined };
  }
  return {};
}

/** Maps the offers table's own constraints to the errors a client can act on; anything else is rethrown. */
export function offerWriteError(err: unknown): unknown {
  const { constraint } = dbViolation(err);
  switch (constraint) {
    case 'offers_product_fk':
      return OfferErrors.unknownProduct();
    case 'offers_category_fk':
      return OfferErrors.unknownCategory();
    case 'offers_coupon_key':
      return OfferErrors.couponTaken();
    case 'offers_usage':
      return OfferErrors.limitBelowUsage();
    default:
      return err;
  }
}
