import type { OtpPurpose } from './identity-codes.repository.js';

type Lang = 'en' | 'ar';
const lang = (locale: string): Lang => (locale === 'ar' ? 'ar' : 'en');

const TEXTS: Record<OtpPurpose, Record<Lang, (c: string) => string>> = {
  phone_verification: {
    en: (c) => `Your Medyour verification code is ${c}. It expires in 10 minutes.`,
    ar: (c) => `رمز التحقق الخاص بك في ميديور هو ${c}. ينتهي خلال 10 دقائق.`,
  },
  email_verification: {
    en: (c) =>
      `Your Medyour email verification code is ${c}. It expires in 10 minutes. If you did not ask for it, ignore this message.`,
    ar: (c) => `رمز تأكيد بريدك الإلكتروني في ميديور هو ${c}. ينتهي خلال 10 دقائق. إذا لم تطلبه فتجاهل هذه الرسالة.`,
  },
  password_reset: {
    en: (c) =>
      `Your Medyour password reset code is ${c}. It expires in 10 minutes. If you did not ask for it, ignore this message.`,
    ar: (c) => `رمز إعادة تعيين كلمة المرور في ميديور هو ${c}. ينتهي خلال 10 دقائق. إذا لم تطلبه فتجاهل هذه الرسالة.`,
  },
};

const SUBJECTS: Record<OtpPurpose, Record<Lang, string>> = {
  phone_verification: { en: 'Your Medyour verification code', ar: 'رمز التحقق من ميديور' },
  email_verification: { en: 'Confirm your email for Medyour', ar: 'تأكيد بريدك الإلكتروني في ميديور' },
  password_reset: { en: 'Reset your Medyour password', ar: 'إعادة تعيين كلمة المرور' },
};

/** The message in the user's language. */
export const otpText = (locale: string, purpose: OtpPurpose, code: string) => TEXTS[purpose][lang(locale)](code);
export const otpSubject = (locale: string, purpose: OtpPurpose) => SUBJECTS[purpose][lang(locale)];

/** Told once per window, through a verified contact, when the code budget runs out (someone may be guessing). */
export const recoveryPausedText = (locale: string) =>
  ({
    en: {
      subject: 'Medyour account recovery is paused',
      text: 'Too many codes were asked for or wrong codes entered for your Medyour account today, so codes are paused for 24 hours. Your password still works. If this was not you, someone may be trying to get into your account.',
    },
    ar: {
      subject: 'تم إيقاف استعادة حساب ميديور مؤقتاً',
      text: 'طُلبت رموز كثيرة أو أُدخلت رموز خاطئة كثيرة لحسابك في ميديور اليوم، لذا أوقفنا الرموز لمدة 24 ساعة. كلمة المرور ما زالت تعمل. إذا لم تكن أنت، فقد يحاول أحدهم الدخول إلى حسابك.',
    },
  })[lang(locale)];

/** Sent to the contact that was replaced: the owner learns of a change a thief made. */
export const contactChangedText = (locale: string, kind: 'email' | 'phone', maskedNew: string) =>
  ({
    en: {
      subject: 'Your Medyour contact details changed',
      text: `The ${kind === 'email' ? 'email address' : 'phone number'} of your Medyour account was changed to ${maskedNew}. If you did not do this, contact Medyour support now.`,
    },
    ar: {
      subject: 'تم تغيير بيانات الاتصال في حسابك على ميديور',
      text: `تم تغيير ${kind === 'email' ? 'البريد الإلكتروني' : 'رقم الهاتف'} لحسابك في ميديور إلى ${maskedNew}. إذا لم تفعل ذلك فتواصل مع دعم ميديور الآن.`,
    },
  })[lang(locale)];

/** Enough of the new contact for the owner to recognise it, not enough to hand it to a stranger. */
export function maskContact(contact: string): string {
  const at = contact.indexOf('@');
  if (at > 0) return `${contact[0]}***${contact.slice(at)}`;
  return `${contact.slice(0, 4)}****${contact.slice(-2)}`;
}
