import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The inventory module's stable error codes (their en and ar messages below). */
export const InventoryErrors = {
  insufficientStock: (productId: string, requested: number, available: number) =>
    new AppError('conflict', 'inventory/insufficient-stock', 'Not enough sellable stock for this request', {
      productId,
      requested,
      available,
    }),
  reservationNotFound: () => AppError.notFound('inventory/reservation-not-found', 'No reservation has this reference'),
  reservationClosed: (status: string) =>
    AppError.conflict('inventory/reservation-closed', `The reservation is already ${status}`, { status }),
  reservationConflict: () =>
    AppError.conflict(
      'inventory/reservation-conflict',
      'This reference already holds a different reservation (branch or lines)',
    ),
  returnExceedsSale: (productId: string) =>
    AppError.conflict('inventory/return-exceeds-sale', 'More units would come back than this sale sold', {
      productId,
    }),
  lotNotFound: () => AppError.notFound('inventory/lot-not-found', 'The lot was not found at this branch'),
  productNotFound: () => AppError.notFound('inventory/product-not-found', 'The product was not found'),
  lotExpiryMismatch: (expiresOn: string) =>
    AppError.conflict('inventory/lot-expiry-mismatch', `This lot number is recorded with expiry ${expiresOn}`, {
      expiresOn,
    }),
  lotExpired: () =>
    new AppError('validation', 'inventory/lot-expired', 'The lot has already expired', {
      errors: [{ field: 'expiresOn', code: 'too_small', message: 'is in the past' }],
    }),
  belowReserved: (reserved: number) =>
    AppError.conflict('inventory/below-reserved', 'On-hand stock cannot go below the reserved quantity', {
      reserved,
    }),
  quantityTooLarge: () => AppError.conflict('inventory/quantity-too-large', 'The lot cannot hold that many units'),
  notYourBranch: () =>
    new AppError('forbidden', 'inventory/not-your-branch', 'You do not hold this permission at this branch'),
  sameBranch: () =>
    new AppError('validation', 'inventory/same-branch', 'A transfer needs two different branches', {
      errors: [{ field: 'toBranchId', code: 'invalid_value', message: 'must differ from the source branch' }],
    }),
};

/** What a person reads for each of the inventory module's codes (problem+json `detail`, en and ar). */
export const InventoryMessages = defineMessages({
  'inventory/insufficient-stock': {
    en: 'Not enough stock is available for this request',
    ar: 'لا يتوفر مخزون كافٍ لهذا الطلب',
  },
  'inventory/reservation-not-found': { en: 'No reservation has this reference', ar: 'لا يوجد حجز بهذا المرجع' },
  'inventory/reservation-closed': {
    en: 'This reservation is already released or completed',
    ar: 'هذا الحجز تم إلغاؤه أو إتمامه بالفعل',
  },
  'inventory/reservation-conflict': {
    en: 'This reference already holds a different reservation',
    ar: 'هذا المرجع مرتبط بحجز مختلف بالفعل',
  },
  'inventory/return-exceeds-sale': {
    en: 'More units would come back than were sold',
    ar: 'عدد الوحدات المرتجعة أكبر من المباع',
  },
  'inventory/lot-not-found': { en: 'The lot was not found at this branch', ar: 'التشغيلة غير موجودة في هذا الفرع' },
  'inventory/product-not-found': { en: 'The product was not found', ar: 'المنتج غير موجود' },
  'inventory/lot-expiry-mismatch': {
    en: 'This lot number is recorded with a different expiry date',
    ar: 'رقم التشغيلة هذا مسجل بتاريخ انتهاء مختلف',
  },
  'inventory/lot-expired': { en: 'The lot has already expired', ar: 'انتهت صلاحية التشغيلة بالفعل' },
  'inventory/below-reserved': {
    en: 'Stock on hand cannot go below the reserved quantity',
    ar: 'لا يمكن أن يقل المخزون الفعلي عن الكمية المحجوزة',
  },
  'inventory/quantity-too-large': {
    en: 'The lot cannot hold that many units',
    ar: 'لا تتسع التشغيلة لهذا العدد من الوحدات',
  },
  'inventory/not-your-branch': {
    en: 'You do not hold this permission at this branch',
    ar: 'ليست لديك هذه الصلاحية في هذا الفرع',
  },
  'inventory/same-branch': { en: 'A transfer needs two different branches', ar: 'يتطلب النقل فرعين مختلفين' },
});
