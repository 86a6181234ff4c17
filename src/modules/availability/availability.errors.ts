import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The availability module's stable error codes (their en and ar messages below). */
export const AvailabilityErrors = {
  /** The doctor routes name the caller's own schedule; only doctor accounts have one. */
  notADoctor: () => AppError.notFound('availability/not-a-doctor', 'Only doctor accounts have availability'),
  notSet: () => AppError.notFound('availability/not-set', 'The doctor has not set their availability yet'),
  /** Unknown id, not a doctor, no availability yet, or (once providers gate it) not bookable. */
  doctorNotFound: () => AppError.notFound('availability/doctor-not-found', 'The doctor was not found'),
  timeOffNotFound: () => AppError.notFound('availability/time-off-not-found', 'The time off was not found'),
  badWindow: (field: 'from' | 'to', message: string) =>
    new AppError('validation', 'availability/bad-window', `The slot window is not valid: ${message}`, {
      errors: [{ field, code: 'invalid_value', message }],
    }),
};

export const AvailabilityMessages = defineMessages({
  'availability/not-a-doctor': {
    en: 'Only doctor accounts have availability',
    ar: 'حسابات الأطباء فقط لها مواعيد متاحة',
  },
  'availability/not-set': {
    en: 'You have not set your availability yet',
    ar: 'لم تحدد مواعيدك المتاحة بعد',
  },
  'availability/doctor-not-found': { en: 'We could not find this doctor', ar: 'لم نتمكن من العثور على هذا الطبيب' },
  'availability/time-off-not-found': {
    en: 'We could not find this time off',
    ar: 'لم نتمكن من العثور على هذه الإجازة',
  },
  'availability/bad-window': {
    en: 'The dates to search are not valid',
    ar: 'تواريخ البحث غير صالحة',
  },
});
