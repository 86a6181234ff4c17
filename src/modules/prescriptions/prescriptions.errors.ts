import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The prescriptions module's stable error codes (their en and ar messages below). */
export const PrescriptionErrors = {
  uploadNotFound: () => AppError.notFound('prescriptions/upload-not-found', 'The prescription upload was not found'),
  notFound: () => AppError.notFound('prescriptions/not-found', 'The prescription was not found'),
  consultationNotFound: () =>
    AppError.notFound('prescriptions/consultation-not-found', 'No consultation of yours has this id'),
  consultationNotOpen: (status: string) =>
    AppError.conflict(
      'prescriptions/consultation-not-open',
      'A prescription is written during or after the consultation (in progress or completed)',
      { status },
    ),
  productNotFound: (field: string) =>
    new AppError('validation', 'prescriptions/product-not-found', 'A prescribed product does not exist', {
      errors: [{ field, code: 'invalid_value', message: 'is not a product on sale' }],
    }),
  notIssued: (status: string) =>
    AppError.conflict('prescriptions/not-revocable', 'Only an issued prescription can be revoked', { status }),
  revoked: () => AppError.conflict('prescriptions/revoked', 'The prescription was revoked'),
  expired: () => AppError.conflict('prescriptions/expired', 'The prescription has expired'),
  nothingLeft: () =>
    AppError.conflict('prescriptions/fully-dispensed', 'Every refill of this prescription has been dispensed'),
  earlyRefill: (nextFillAt: string) =>
    AppError.conflict('prescriptions/early-refill', 'It is too early to refill this prescription', { nextFillAt }),
  noStock: (lineNos: number[]) =>
    AppError.conflict(
      'prescriptions/not-in-stock',
      'No prescribed product (nor an allowed substitute) is in stock at this branch',
      { lineNos },
    ),
  lineMismatch: (productIds: string[]) =>
    AppError.conflict(
      'prescriptions/line-mismatch',
      'A cart line no longer matches the prescription it fills; fill the cart from the prescription again',
      { productIds },
    ),
  overDispensed: () =>
    AppError.conflict(
      'prescriptions/over-dispensed',
      'Dispensing this order would exceed what the prescription allows',
    ),
  verifierIsPrescriber: () =>
    new AppError(
      'forbidden',
      'prescriptions/verifier-is-prescriber',
      'The pharmacist verifying a prescription may not be the doctor who wrote it',
    ),
};

export const PrescriptionsMessages = defineMessages({
  'prescriptions/upload-not-found': {
    en: 'We could not find this prescription',
    ar: 'لم نتمكن من العثور على هذه الوصفة الطبية',
  },
  'prescriptions/not-found': {
    en: 'We could not find this prescription',
    ar: 'لم نتمكن من العثور على هذه الوصفة الطبية',
  },
  'prescriptions/consultation-not-found': {
    en: 'We could not find this consultation',
    ar: 'لم نتمكن من العثور على هذه الاستشارة',
  },
  'prescriptions/consultation-not-open': {
    en: 'You can prescribe once the consultation has started',
    ar: 'يمكنك كتابة الوصفة بعد بدء الاستشارة',
  },
  'prescriptions/product-not-found': {
    en: 'A prescribed product does not exist',
    ar: 'أحد الأدوية الموصوفة غير موجود',
  },
  'prescriptions/not-revocable': { en: 'This prescription was already revoked', ar: 'تم إلغاء هذه الوصفة بالفعل' },
  'prescriptions/revoked': { en: 'This prescription was revoked by the doctor', ar: 'ألغى الطبيب هذه الوصفة' },
  'prescriptions/expired': { en: 'This prescription has expired', ar: 'انتهت صلاحية هذه الوصفة' },
  'prescriptions/fully-dispensed': {
    en: 'All refills of this prescription have been dispensed',
    ar: 'تم صرف جميع مرات إعادة صرف هذه الوصفة',
  },
  'prescriptions/early-refill': {
    en: 'It is too early to refill this prescription',
    ar: 'لم يحن موعد إعادة صرف هذه الوصفة بعد',
  },
  'prescriptions/not-in-stock': {
    en: 'The prescribed medicine is not in stock at this branch',
    ar: 'الدواء الموصوف غير متوفر في هذا الفرع',
  },
  'prescriptions/line-mismatch': {
    en: 'Your cart no longer matches the prescription; add it to the cart again',
    ar: 'سلتك لم تعد مطابقة للوصفة؛ أضفها إلى السلة مرة أخرى',
  },
  'prescriptions/over-dispensed': {
    en: 'This would dispense more than the prescription allows',
    ar: 'سيؤدي ذلك إلى صرف أكثر مما تسمح به الوصفة',
  },
  'prescriptions/verifier-is-prescriber': {
    en: 'You wrote this prescription; another pharmacist must verify it',
    ar: 'أنت من كتب هذه الوصفة؛ يجب أن يتحقق منها صيدلي آخر',
  },
});
