import type { ErrorKind } from './app-error.js';

export type Locale = 'en' | 'ar';
export const LOCALES: readonly Locale[] = ['en', 'ar'];

type Text = { en: string; ar: string };

export const TITLES: Record<ErrorKind, Text> = {
  validation: { en: 'Invalid request', ar: 'طلب غير صالح' },
  unauthenticated: { en: 'Unauthorized', ar: 'غير مصرح' },
  forbidden: { en: 'Forbidden', ar: 'ممنوع' },
  not_found: { en: 'Not found', ar: 'غير موجود' },
  method_not_allowed: { en: 'Method not allowed', ar: 'الطريقة غير مسموحة' },
  conflict: { en: 'Conflict', ar: 'تعارض' },
  gone: { en: 'Gone', ar: 'لم يعد متاحاً' },
  too_large: { en: 'Payload too large', ar: 'حجم الطلب كبير جداً' },
  unsupported_media: { en: 'Unsupported media type', ar: 'نوع المحتوى غير مدعوم' },
  locked: { en: 'Locked', ar: 'مقفل' },
  rate_limited: { en: 'Too many requests', ar: 'طلبات كثيرة جداً' },
  internal: { en: 'Internal server error', ar: 'خطأ داخلي في الخادم' },
  unavailable: { en: 'Service unavailable', ar: 'الخدمة غير متاحة' },
};

/** User-facing messages by stable code. A code missing here falls back to the developer message (English). */
export const MESSAGES: Record<string, Text> = {
  'common/validation-failed': { en: 'The request is not valid', ar: 'الطلب غير صالح' },
  'common/not-found': { en: 'The resource was not found', ar: 'المورد غير موجود' },
  'common/route-not-found': { en: 'No such route', ar: 'المسار غير موجود' },
  'common/method-not-allowed': { en: 'This method is not allowed here', ar: 'هذه الطريقة غير مسموحة هنا' },
  'common/malformed-json': { en: 'The request body is not valid JSON', ar: 'محتوى الطلب ليس JSON صالحاً' },
  'common/payload-too-large': { en: 'The request body is too large', ar: 'محتوى الطلب كبير جداً' },
  'common/unsupported-media-type': { en: 'This content type is not supported', ar: 'نوع المحتوى غير مدعوم' },
  'common/internal': { en: 'Something went wrong on our side', ar: 'حدث خطأ من جانبنا' },
  'common/unavailable': { en: 'The service is temporarily unavailable', ar: 'الخدمة غير متاحة مؤقتاً' },
  'common/rate-limited': { en: 'Too many requests, try again later', ar: 'طلبات كثيرة جداً، حاول لاحقاً' },
  'common/idempotency-key-reused': {
    en: 'This Idempotency-Key was used with a different request',
    ar: 'تم استخدام مفتاح عدم التكرار مع طلب مختلف',
  },
  'common/idempotency-in-progress': {
    en: 'A request with this Idempotency-Key is still in progress',
    ar: 'طلب بنفس مفتاح عدم التكرار ما زال قيد التنفيذ',
  },
  'common/invalid-cursor': { en: 'The cursor is not valid', ar: 'المؤشر غير صالح' },
  'common/invalid-url': {
    en: 'The URL is malformed or a path segment is too long',
    ar: 'الرابط غير صالح أو أن أحد أجزائه طويل جداً',
  },
  'auth/unauthenticated': { en: 'Authentication is required', ar: 'يلزم تسجيل الدخول' },
  'auth/invalid-token': { en: 'The access token is invalid or expired', ar: 'رمز الدخول غير صالح أو منتهي' },
  'auth/forbidden': { en: 'You are not allowed to do this', ar: 'غير مسموح لك بهذا الإجراء' },
  'auth/invalid-credentials': { en: 'The identifier or password is wrong', ar: 'المعرّف أو كلمة المرور غير صحيحة' },
  'auth/account-locked': {
    en: 'Too many failed attempts; try again later',
    ar: 'محاولات فاشلة كثيرة؛ حاول مرة أخرى لاحقاً',
  },
  'auth/invalid-refresh-token': { en: 'The refresh token is invalid', ar: 'رمز التحديث غير صالح' },
  'auth/refresh-token-reused': {
    en: 'This refresh token was already used; the session has been ended',
    ar: 'تم استخدام رمز التحديث مسبقاً؛ تم إنهاء الجلسة',
  },
  'auth/invalid-code': { en: 'The code is wrong or expired', ar: 'الرمز غير صحيح أو منتهي الصلاحية' },
  'auth/weak-password': { en: 'The password is too weak', ar: 'كلمة المرور ضعيفة جداً' },
  'auth/wrong-password': { en: 'The current password is wrong', ar: 'كلمة المرور الحالية غير صحيحة' },
  'identity/registration-conflict': {
    en: 'An account cannot be created with these details',
    ar: 'لا يمكن إنشاء حساب بهذه البيانات',
  },
  'identity/user-not-found': { en: 'The user was not found', ar: 'المستخدم غير موجود' },
  'identity/not-a-doctor': { en: 'This account is not a doctor', ar: 'هذا الحساب ليس حساب طبيب' },
  'identity/invalid-role': { en: 'This role does not exist', ar: 'هذا الدور غير موجود' },
  'identity/contact-taken': { en: 'This email or phone cannot be used', ar: 'لا يمكن استخدام هذا البريد أو الهاتف' },
  'identity/no-phone': { en: 'The account has no phone number', ar: 'لا يوجد رقم هاتف للحساب' },
  'identity/cannot-suspend-self': { en: 'You cannot suspend yourself', ar: 'لا يمكنك إيقاف حسابك' },
  'files/too-large': { en: 'The file is too large', ar: 'الملف كبير جداً' },
  'files/type-not-allowed': { en: 'This file type is not allowed', ar: 'نوع الملف غير مسموح' },
  'files/not-found': { en: 'The file was not found', ar: 'الملف غير موجود' },
  'files/no-file': { en: 'No file was uploaded', ar: 'لم يتم رفع أي ملف' },
  'files/malformed-form': { en: 'The multipart body is malformed', ar: 'محتوى النموذج متعدد الأجزاء غير صالح' },
  'files/invalid-signature': { en: 'The download link is invalid or expired', ar: 'رابط التنزيل غير صالح أو منتهي' },
  'offers/not-found': { en: 'The offer was not found', ar: 'العرض غير موجود' },
  'offers/unknown-product': { en: 'The product does not exist', ar: 'المنتج غير موجود' },
  'offers/unknown-category': { en: 'The category does not exist', ar: 'الفئة غير موجودة' },
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
  'branches/not-found': { en: 'The branch was not found', ar: 'الفرع غير موجود' },
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
  'catalog/category-not-found': { en: 'The category was not found', ar: 'الفئة غير موجودة' },
  'catalog/parent-not-found': { en: 'The parent category does not exist', ar: 'الفئة الأم غير موجودة' },
  'catalog/category-cycle': {
    en: 'A category cannot be moved under itself or its own subtree',
    ar: 'لا يمكن نقل فئة تحت نفسها أو تحت إحدى فئاتها الفرعية',
  },
  'catalog/product-not-found': { en: 'The product was not found', ar: 'المنتج غير موجود' },
  'catalog/barcode-taken': { en: 'Another product has this barcode', ar: 'يوجد منتج آخر بنفس الباركود' },
  'catalog/version-conflict': {
    en: 'The product was changed by someone else; reload it and retry',
    ar: 'تم تعديل المنتج من قبل شخص آخر؛ أعد تحميله وحاول مرة أخرى',
  },
  'catalog/controlled-needs-rx': {
    en: 'A controlled product must also require a prescription',
    ar: 'المنتج الخاضع للرقابة يجب أن يُصرف بوصفة طبية',
  },
  'catalog/image-not-found': {
    en: 'An image file id does not name your upload',
    ar: 'معرّف ملف الصورة لا يشير إلى ملف قمت برفعه',
  },
  'catalog/import-empty': { en: 'The file is empty', ar: 'الملف فارغ' },
  'catalog/import-bad-header': {
    en: 'The header row does not name the import columns',
    ar: 'صف العناوين لا يحتوي على أعمدة الاستيراد المطلوبة',
  },
  'catalog/import-bad-encoding': {
    en: 'The file is not UTF-8 text (save it as "CSV UTF-8")',
    ar: 'الملف ليس نصاً بترميز UTF-8 (احفظه بصيغة "CSV UTF-8")',
  },
  'catalog/import-malformed-csv': {
    en: 'The file is not well-formed CSV; nothing was imported',
    ar: 'الملف ليس بصيغة CSV سليمة؛ لم يتم استيراد أي شيء',
  },
  'catalog/import-too-large': { en: 'The file is too large', ar: 'الملف كبير جداً' },
  'catalog/import-malformed-form': {
    en: 'The multipart body is malformed',
    ar: 'محتوى النموذج متعدد الأجزاء غير صالح',
  },
};

const FIELD_MESSAGES: Record<string, Text> = {
  required: { en: 'is required', ar: 'مطلوب' },
  unknown_field: { en: 'is not allowed', ar: 'غير مسموح' },
  invalid_type: { en: 'has the wrong type', ar: 'نوعه غير صحيح' },
  too_small: { en: 'is too small or too short', ar: 'صغير أو قصير جداً' },
  too_big: { en: 'is too big or too long', ar: 'كبير أو طويل جداً' },
  invalid_format: { en: 'has an invalid format', ar: 'صيغته غير صحيحة' },
  invalid_value: { en: 'has an invalid value', ar: 'قيمته غير صحيحة' },
};

/** Best supported language of an Accept-Language header; weights (`q=`) rank, not order (RFC 9110 12.5.4). */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'en';
  let best: { locale: Locale; q: number } | undefined;
  for (const part of acceptLanguage.split(',').slice(0, 20)) {
    const [rawTag, ...params] = part.split(';');
    const tag = rawTag.trim().toLowerCase();
    const locale: Locale | undefined = tag.startsWith('ar') ? 'ar' : tag.startsWith('en') ? 'en' : undefined;
    if (!locale) continue;
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    // q=0 means "not acceptable"; on equal weight the earlier entry wins.
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? 'en';
}

export function translate(code: string, fallback: string, locale: Locale): string {
  return MESSAGES[code]?.[locale] ?? fallback;
}

export function fieldMessage(code: string, fallback: string, locale: Locale): string {
  return FIELD_MESSAGES[code]?.[locale] ?? fallback;
}
