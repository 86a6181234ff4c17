import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** Role grants name real branches; branch-scoped roles are never granted "at every branch" by omission. */
export const RoleGrantErrors = {
  branchRequired: (roles: readonly string[]) =>
    new AppError('validation', 'identity/branch-required', 'Branch-scoped roles need branchIds', {
      errors: [{ field: 'branchIds', code: 'required', message: `${roles.join(', ')}: name the branches` }],
    }),
  unknownBranch: () =>
    new AppError('validation', 'identity/unknown-branch', 'A branch named in the request does not exist', {
      errors: [{ field: 'branchIds', code: 'invalid_value', message: 'names a branch that does not exist' }],
    }),
};

/** What a person reads for each of the identity module's codes (problem+json `detail`, en and ar). */
export const IdentityMessages = defineMessages({
  'auth/invalid-credentials': { en: 'The identifier or password is wrong', ar: 'المعرّف أو كلمة المرور غير صحيحة' },
  'auth/account-locked': {
    en: 'Too many failed attempts; try again later',
    ar: 'محاولات فاشلة كثيرة؛ حاول مرة أخرى لاحقاً',
  },
  'auth/login-throttled': {
    en: 'Too many attempts for this account; wait before trying again',
    ar: 'محاولات كثيرة لهذا الحساب؛ انتظر قبل المحاولة مرة أخرى',
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
  'identity/current-password-required': {
    en: 'Enter your current password to change your email or phone',
    ar: 'أدخل كلمة المرور الحالية لتغيير بريدك الإلكتروني أو هاتفك',
  },
  'identity/not-a-doctor': { en: 'This account is not a doctor', ar: 'هذا الحساب ليس حساب طبيب' },
  'identity/invalid-role': { en: 'This role does not exist', ar: 'هذا الدور غير موجود' },
  'identity/contact-taken': { en: 'This email or phone cannot be used', ar: 'لا يمكن استخدام هذا البريد أو الهاتف' },
  'identity/no-phone': { en: 'The account has no phone number', ar: 'لا يوجد رقم هاتف للحساب' },
  'identity/cannot-suspend-self': { en: 'You cannot suspend yourself', ar: 'لا يمكنك إيقاف حسابك' },
  'auth/account-suspended': { en: 'This account is suspended', ar: 'هذا الحساب موقوف' },
  'identity/account-suspended': {
    en: 'Reactivate the account before approving it',
    ar: 'أعد تفعيل الحساب قبل اعتماده',
  },
  'identity/cannot-demote-self': {
    en: 'You cannot remove your own admin role',
    ar: 'لا يمكنك إزالة دور المدير عن نفسك',
  },
  'identity/not-staff': { en: 'Only staff accounts hold staff roles', ar: 'أدوار الموظفين لحسابات الموظفين فقط' },
  'identity/branch-required': {
    en: 'Pharmacist and branch manager roles are granted at named branches',
    ar: 'يُمنح دور الصيدلي ومدير الفرع في فروع محددة',
  },
  'identity/unknown-branch': {
    en: 'A branch named in the request does not exist',
    ar: 'أحد الفروع المذكورة في الطلب غير موجود',
  },
});
