import type { ErrorKind } from './app-error.js';
import { defineMessages, messageText, type Text } from './catalog.js';

export type Locale = 'en' | 'ar';
export const LOCALES: readonly Locale[] = ['en', 'ar'];

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

/** The kernel's own messages (common/*, token and permission answers); modules declare theirs in `*.errors.ts`. */
export const MESSAGES = defineMessages({
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
  'common/illegal-transition': {
    en: 'This change is not possible in the current state',
    ar: 'لا يمكن إجراء هذا التغيير في الحالة الحالية',
  },
  'common/transition-conflict': {
    en: 'This was changed at the same time by someone else; reload and try again',
    ar: 'تم تغيير هذا في الوقت نفسه من قبل شخص آخر؛ أعد التحميل وحاول مرة أخرى',
  },
  'common/invalid-url': {
    en: 'The URL is malformed or a path segment is too long',
    ar: 'الرابط غير صالح أو أن أحد أجزائه طويل جداً',
  },
  'auth/unauthenticated': { en: 'Authentication is required', ar: 'يلزم تسجيل الدخول' },
  'auth/invalid-token': { en: 'The access token is invalid or expired', ar: 'رمز الدخول غير صالح أو منتهي' },
  'auth/docs-require-staff': {
    en: 'The API documentation needs a staff sign-in here',
    ar: 'تتطلب وثائق الواجهة البرمجية تسجيل دخول الموظفين هنا',
  },
  'auth/route-not-declared': { en: 'This route is not available', ar: 'هذا المسار غير متاح' },
  'auth/forbidden': { en: 'You are not allowed to do this', ar: 'غير مسموح لك بهذا الإجراء' },
});

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
  return messageText(code)?.[locale] ?? fallback;
}

export function fieldMessage(code: string, fallback: string, locale: Locale): string {
  return FIELD_MESSAGES[code]?.[locale] ?? fallback;
}
