import { dbRefusal } from '../../db/refusal.js';
import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The providers module's stable error codes (their en and ar messages below). */
export const ProviderErrors = {
  specialtyNotFound: () => AppError.notFound('providers/specialty-not-found', 'The specialty was not found'),
  specialtyTaken: () => AppError.conflict('providers/specialty-taken', 'Another specialty already has this name'),
  unknownSpecialty: () =>
    new AppError('validation', 'providers/unknown-specialty', 'A specialty does not exist', {
      errors: [{ field: 'specialtyIds', code: 'not_found', message: 'names a specialty that does not exist' }],
    }),
  unknownBranch: () =>
    new AppError('validation', 'providers/unknown-branch', 'The clinic branch does not exist', {
      errors: [{ field: 'clinicBranchId', code: 'not_found', message: 'does not name a branch' }],
    }),
  licenseInPast: () =>
    new AppError('validation', 'providers/license-in-past', 'The licence has already expired', {
      errors: [{ field: 'licenseExpiresOn', code: 'too_small', message: 'must be today or later' }],
    }),
  notADoctor: () => AppError.conflict('providers/not-a-doctor', "This account is not a doctor's: it has no profile"),
  badRating: () =>
    new AppError('validation', 'providers/bad-rating', 'A rating is a whole number from 1 to 5', {
      errors: [{ field: 'rating', code: 'too_big', message: 'must be a whole number from 1 to 5' }],
    }),
  doctorNotFound: () => AppError.notFound('providers/doctor-not-found', 'The doctor was not found'),
  profileIncomplete: () =>
    AppError.conflict('providers/profile-incomplete', 'The doctor has not filled their profile yet'),
  licenseExpired: () => AppError.conflict('providers/license-expired', "The doctor's licence has expired"),
  notApproved: () => AppError.conflict('providers/not-approved', 'The doctor is not approved'),
};

/** Maps the providers tables' own constraints to errors a client can act on; anything else is rethrown. */
export function providerWriteError(err: unknown): unknown {
  switch (dbRefusal(err)?.constraint) {
    case 'specialties_name_en_key':
      return ProviderErrors.specialtyTaken();
    case 'doctor_specialties_specialty_fk':
      return ProviderErrors.unknownSpecialty();
    case 'doctor_profiles_branch_fk':
      return ProviderErrors.unknownBranch();
    default:
      return err;
  }
}

/** What a person reads for each of the providers module's codes (problem+json `detail`, en and ar). */
export const ProvidersMessages = defineMessages({
  'providers/specialty-not-found': { en: 'The specialty was not found', ar: 'التخصص غير موجود' },
  'providers/specialty-taken': { en: 'Another specialty already has this name', ar: 'يوجد تخصص آخر بهذا الاسم' },
  'providers/unknown-specialty': { en: 'A specialty does not exist', ar: 'أحد التخصصات غير موجود' },
  'providers/unknown-branch': { en: 'The clinic branch does not exist', ar: 'فرع العيادة غير موجود' },
  'providers/not-a-doctor': { en: "This account is not a doctor's: it has no profile", ar: 'هذا الحساب ليس حساب طبيب' },
  'providers/bad-rating': { en: 'A rating is a whole number from 1 to 5', ar: 'التقييم رقم صحيح من ١ إلى ٥' },
  'providers/doctor-not-found': { en: 'The doctor was not found', ar: 'الطبيب غير موجود' },
  'providers/profile-incomplete': {
    en: 'The doctor has not filled their profile yet',
    ar: 'لم يستكمل الطبيب ملفه الشخصي بعد',
  },
  'providers/license-in-past': { en: 'The licence has already expired', ar: 'الترخيص منتهي الصلاحية بالفعل' },
  'providers/license-expired': { en: "The doctor's licence has expired", ar: 'انتهت صلاحية ترخيص الطبيب' },
  'providers/not-approved': { en: 'The doctor is not approved', ar: 'الطبيب غير معتمد' },
});
