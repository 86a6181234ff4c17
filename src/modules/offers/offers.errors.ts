import { dbRefusal } from '../../db/refusal.js';
import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The offers module's stable error codes (their en and ar messages below). */
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
  unknownCoupon: () =>
    new AppError('validation', 'offers/unknown-coupon', 'No offer has this coupon code', {
      errors: [{ field: 'code', code: 'not_found', message: 'is not a coupon code of any offer' }],
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

/** Maps the offers table's own constraints to the errors a client can act on; anything else is rethrown. */
export function offerWriteError(err: unknown): unknown {
  const constraint = dbRefusal(err)?.constraint;
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

/** What a person reads for each of the offers module's codes (problem+json `detail`, en and ar). */
export const OffersMessages = defineMessages({
  'offers/not-found': { en: 'The offer was not found', ar: 'العرض غير موجود' },
  'offers/unknown-product': { en: 'The product does not exist', ar: 'المنتج غير موجود' },
  'offers/unknown-category': { en: 'The category does not exist', ar: 'الفئة غير موجودة' },
  'offers/unknown-coupon': { en: 'This coupon code is not valid', ar: 'رمز القسيمة غير صالح' },
  'offers/coupon-taken': {
    en: 'Another offer already uses this coupon code',
    ar: 'رمز القسيمة مستخدم بالفعل في عرض آخر',
  },
  'offers/limit-below-usage': {
    en: 'The global limit cannot be lower than the redemptions so far',
    ar: 'لا يمكن أن يكون الحد الإجمالي أقل من عدد مرات الاستخدام حتى الآن',
  },
  'offers/limit-reached': { en: 'This offer has been used up', ar: 'تم استنفاد هذا العرض' },
  'offers/customer-limit-reached': {
    en: 'You have already used this offer as often as allowed',
    ar: 'لقد استخدمت هذا العرض الحد الأقصى من المرات المسموح بها',
  },
  'offers/not-active': { en: 'This offer is not active now', ar: 'هذا العرض غير متاح الآن' },
  'offers/reference-conflict': {
    en: 'This reference already redeemed the offer for another customer',
    ar: 'هذا المرجع استُخدم بالفعل لاسترداد العرض لعميل آخر',
  },
});
