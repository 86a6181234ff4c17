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
  /** CARD_GATEWAY=none: no card gateway is configured in this deployment. */
  cardUnavailable: (field?: string) =>
    new AppError(
      'validation',
      'payments/card-unavailable',
      'Paying by card is not available',
      field ? { errors: [{ field, code: 'invalid_value', message: 'card payments are not available' }] } : {},
    ),
  amountOutOfRange: (field: string, min: number, max: number) =>
    new AppError('validation', 'payments/amount-out-of-range', `The amount must be between ${min} and ${max}`, {
      errors: [{ field, code: 'out_of_range', message: `must be between ${min} and ${max}` }],
      min,
      max,
    }),
  /** A webhook without a valid signature (missing, forged, stale): nothing was read from it. */
  badSignature: () =>
    new AppError('validation', 'payments/bad-signature', 'The webhook signature is not valid', {
      errors: [{ field: 'Stripe-Signature', code: 'invalid', message: 'is not a valid signature of this body' }],
    }),
  /** The gateway could not be reached or refused: nothing was charged. */
  gatewayUnavailable: () =>
    new AppError('unavailable', 'payments/gateway-unavailable', 'The card gateway is not answering; try again', {
      retryAfterSeconds: 30,
    }),
  intentNotFound: () => AppError.notFound('payments/intent-not-found', 'The payment was not found'),
  /** The intent is paid, failed or expired: no checkout page is made for it any more. */
  intentClosed: (status: string) =>
    AppError.conflict('payments/intent-closed', `This payment is ${status}`, { status }),
  /** A card refund beyond what the card paid minus earlier card refunds. */
  refundExceedsPaid: (max: number) =>
    AppError.conflict('payments/refund-exceeds-paid', `At most ${max} can be given back to the card`, { max }),
  /** A card refund for an order that was not paid by card. */
  nothingPaidByCard: () => AppError.conflict('payments/not-paid-by-card', 'This was not paid by card'),
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
  'payments/card-unavailable': {
    en: 'Paying by card is not available; choose cash on delivery or your wallet',
    ar: 'الدفع بالبطاقة غير متاح؛ اختر الدفع عند الاستلام أو المحفظة',
  },
  'payments/amount-out-of-range': {
    en: 'This amount is outside what can be paid by card',
    ar: 'هذا المبلغ خارج الحدود المسموح بها للدفع بالبطاقة',
  },
  'payments/bad-signature': { en: 'The webhook signature is not valid', ar: 'توقيع الإشعار غير صالح' },
  'payments/gateway-unavailable': {
    en: 'The card payment service is not answering; nothing was charged, please try again',
    ar: 'خدمة الدفع بالبطاقة لا تستجيب؛ لم يتم خصم أي مبلغ، يرجى المحاولة مرة أخرى',
  },
  'payments/intent-not-found': { en: 'We could not find this payment', ar: 'لم نتمكن من العثور على هذه العملية' },
  'payments/intent-closed': {
    en: 'This payment can no longer be paid',
    ar: 'لم يعد من الممكن دفع هذه العملية',
  },
  'payments/refund-exceeds-paid': {
    en: 'That is more than can be given back to the card',
    ar: 'هذا المبلغ أكبر مما يمكن إرجاعه إلى البطاقة',
  },
  'payments/not-paid-by-card': { en: 'This was not paid by card', ar: 'لم يتم الدفع بالبطاقة' },
});
