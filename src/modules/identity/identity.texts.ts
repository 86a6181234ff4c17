import type { OtpPurpose } from './identity.repository.js';

const TEXTS: Record<OtpPurpose, { en: (c: string) => string; ar: (c: string) => string }> = {
  phone_verification: {
    en: (c) => `Your Medyour verification code is ${c}. It expires in 10 minutes.`,
    ar: (c) => `رمز التحقق الخاص بك في ميديور هو ${c}. ينتهي خلال 10 دقائق.`,
  },
  password_reset: {
    en: (c) =>
      `Your Medyour password reset code is ${c}. It expires in 10 minutes. If you did not ask for it, ignore this message.`,
    ar: (c) => `رمز إعادة تعيين كلمة المرور في ميديور هو ${c}. ينتهي خلال 10 دقائق. إذا لم تطلبه فتجاهل هذه الرسالة.`,
  },
};

/** The message in the user's language. */
export const otpText = (locale: string, purpose: OtpPurpose, code: string) =>
  TEXTS[purpose][locale === 'ar' ? 'ar' : 'en'](code);
