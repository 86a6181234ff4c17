import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The prescriptions module's stable error codes (their en and ar messages below). */
export const PrescriptionErrors = {
  uploadNotFound: () => AppError.notFound('prescriptions/upload-not-found', 'The prescription upload was not found'),
};

export const PrescriptionsMessages = defineMessages({
  'prescriptions/upload-not-found': {
    en: 'We could not find this prescription',
    ar: 'لم نتمكن من العثور على هذه الوصفة الطبية',
  },
});
