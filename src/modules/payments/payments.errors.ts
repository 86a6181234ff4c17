import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The payments module's stable error codes (their en and ar messages below). */
export const PaymentErrors = {
  /** A debit would take a wallet (or any account a person holds) below zero: nothing was posted. */
  insufficientFunds: () =>
    AppError.conflict('payments/insufficient-funds', 'The balance is not enough for this payment'),
  /** The entry's key was already posted with other lines: a caller reused a natural key for another movement. */
  entryConflict: () =>
    AppError.conflict('payments/entry-conflict', 'This payment reference was already used for a different amount'),
  accountHolderNotFound: () =>
    AppError.notFound('payments/account-holder-not-found', 'The account holder was not found'),
  idempotencyKeyRequired: () =>
    new AppError('validation', 'payments/idempotency-key-required', 'This request needs an Idempotency-Key header', {
      errors: [{ field: 'Idempotency-Key', code: 'required', message: 'is required for a change of money' }],
    }),
};

/** What a person reads for each of the payments module's codes (problem+json `detail`, en and ar). */
export const PaymentsMessages = defineMessages({
  'payments/insufficient-funds': {
    en: 'The balance is not enough for this payment',
    ar: 'الرصيد غير كافٍ لهذه العملية',
  },
  'payments/entry-conflict': {
    en: 'This payment reference was already used for a different amount',
    ar: 'مرجع الدفع هذا استُخدم بالفعل لمبلغ مختلف',
  },
  'payments/account-holder-not-found': { en: 'The account holder was not found', ar: 'صاحب الحساب غير موجود' },
  'payments/idempotency-key-required': {
    en: 'This request needs an Idempotency-Key header',
    ar: 'يتطلب هذا الطلب ترويسة Idempotency-Key',
  },
});
