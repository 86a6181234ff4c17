import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The orders module's stable error codes (their en and ar messages below). */
export const OrderErrors = {
  notFound: () => AppError.notFound('orders/not-found', 'The order was not found'),
  emptyCart: () => AppError.conflict('orders/empty-cart', 'The cart is empty'),
  itemUnavailable: (productIds: string[]) =>
    AppError.conflict('orders/item-unavailable', 'Some products in the cart are no longer sold', { productIds }),
  prescriptionRequired: (productIds: string[]) =>
    AppError.conflict('orders/prescription-required', 'Some products in the cart need a prescription', {
      productIds,
    }),
  verifyThroughVerification: () =>
    AppError.conflict(
      'orders/verify-prescriptions',
      'An order waiting for verification moves on by POST /v1/admin/orders/:id/verify',
    ),
  refundThroughRefunds: () =>
    AppError.conflict(
      'orders/refund-through-refunds',
      'An order is refunded by POST /v1/admin/orders/:id/refunds, which gives the money back',
    ),
  notAwaitingVerification: (status: string) =>
    AppError.conflict('orders/not-awaiting-verification', `The order is ${status}, not waiting for verification`, {
      status,
    }),
  notRefundable: (status: string) =>
    AppError.conflict('orders/not-refundable', `A ${status} order cannot be refunded; cancel it instead`, { status }),
  refundLineUnknown: (lineNo: number) =>
    new AppError('validation', 'common/validation-failed', 'The request is not valid', {
      errors: [{ field: 'lines', code: 'invalid_value', message: `the order has no line ${lineNo}` }],
    }),
  refundExceedsQuantity: (lineNo: number, left: number) =>
    AppError.conflict('orders/refund-exceeds-quantity', `Only ${left} units of line ${lineNo} can still come back`, {
      lineNo,
      left,
    }),
  refundExceedsCaptured: (refundableMinor: number) =>
    AppError.conflict('orders/refund-exceeds-captured', `At most ${refundableMinor} can still be refunded`, {
      refundableMinor,
    }),
  selfRefund: () => new AppError('forbidden', 'orders/self-refund', 'Staff may not refund their own order'),
  selfVerification: () =>
    new AppError('forbidden', 'orders/self-verification', 'A pharmacist may not verify their own order'),
  pointsUnavailable: (max: number) =>
    new AppError('validation', 'orders/points-unavailable', `At most ${max} points can be redeemed on this order`, {
      errors: [{ field: 'pointsToRedeem', code: 'too_big', message: `must be at most ${max}` }],
      max,
    }),
  notYourBranch: () =>
    new AppError('forbidden', 'orders/not-your-branch', 'You do not work with orders at this branch'),
  outsideDeliveryRadius: () =>
    AppError.conflict('orders/outside-delivery-radius', 'The address is outside the branch’s delivery area'),
  noBranchCanFill: () =>
    AppError.conflict('orders/no-branch-can-fill', 'No branch can fill the whole cart for this address'),
  /** Only a card order waiting for its payment has a checkout page. */
  notAwaitingPayment: (status: string) =>
    AppError.conflict('orders/not-awaiting-payment', `This order is ${status}, not waiting for a card payment`, {
      status,
    }),
};

/** What a person reads for each of the orders module's codes (problem+json `detail`, en and ar). */
export const OrdersMessages = defineMessages({
  'orders/not-found': { en: 'We could not find this order', ar: 'لم نتمكن من العثور على هذا الطلب' },
  'orders/empty-cart': { en: 'Your cart is empty', ar: 'سلة التسوق فارغة' },
  'orders/item-unavailable': {
    en: 'Some products in your cart are no longer sold; remove them first',
    ar: 'بعض المنتجات في سلة التسوق لم تعد متاحة للبيع؛ احذفها أولاً',
  },
  'orders/prescription-required': {
    en: 'Some products in your cart need a prescription: upload a photo of it and name it at checkout',
    ar: 'بعض المنتجات في سلة التسوق تحتاج إلى وصفة طبية: ارفع صورة لها واذكرها عند إتمام الطلب',
  },
  'orders/verify-prescriptions': {
    en: 'This order is waiting for its prescriptions to be verified; decide each line through verification',
    ar: 'هذا الطلب بانتظار التحقق من الوصفات الطبية؛ قرر كل بند من خلال التحقق',
  },
  'orders/refund-through-refunds': {
    en: 'Refund this order through a refund, which gives the money back',
    ar: 'استرد مبلغ هذا الطلب من خلال عملية استرداد تعيد المال',
  },
  'orders/not-awaiting-verification': {
    en: 'This order is not waiting for a prescription check',
    ar: 'هذا الطلب ليس بانتظار التحقق من الوصفة الطبية',
  },
  'orders/not-refundable': {
    en: 'Only a completed order can be refunded; an open one is cancelled instead',
    ar: 'لا يمكن استرداد قيمة طلب إلا بعد اكتماله؛ أما الطلب المفتوح فيُلغى',
  },
  'orders/refund-exceeds-quantity': {
    en: 'More units would come back than are left on this line',
    ar: 'عدد الوحدات المرتجعة أكبر من المتبقي في هذا البند',
  },
  'orders/refund-exceeds-captured': {
    en: 'That is more than is left to refund on this order',
    ar: 'المبلغ أكبر من المتبقي القابل للاسترداد في هذا الطلب',
  },
  'orders/self-refund': {
    en: 'You cannot refund your own order; ask a colleague',
    ar: 'لا يمكنك استرداد قيمة طلبك الخاص؛ اطلب ذلك من زميل',
  },
  'orders/self-verification': {
    en: 'You cannot verify the prescriptions of your own order; ask another pharmacist',
    ar: 'لا يمكنك التحقق من وصفات طلبك الخاص؛ اطلب ذلك من صيدلي آخر',
  },
  'orders/points-unavailable': {
    en: 'That is more points than this order can use',
    ar: 'عدد النقاط أكبر مما يمكن استخدامه في هذا الطلب',
  },
  'orders/not-your-branch': {
    en: 'You do not work with the orders of this branch',
    ar: 'لا تملك صلاحية التعامل مع طلبات هذا الفرع',
  },
  'orders/outside-delivery-radius': {
    en: 'This address is outside the branch’s delivery area',
    ar: 'هذا العنوان خارج نطاق التوصيل للفرع',
  },
  'orders/no-branch-can-fill': {
    en: 'No branch near you can fill your whole cart right now',
    ar: 'لا يوجد فرع قريب منك يمكنه توفير كل ما في سلة التسوق الآن',
  },
  'orders/not-awaiting-payment': {
    en: 'This order is not waiting for a card payment',
    ar: 'هذا الطلب لا ينتظر الدفع بالبطاقة',
  },
});
