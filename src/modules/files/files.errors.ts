import { defineMessages } from '../../kernel/errors/index.js';

/** What a person reads for each of the files module's codes (problem+json `detail`, en and ar). */
export const FilesMessages = defineMessages({
  'files/too-large': { en: 'The file is too large', ar: 'الملف كبير جداً' },
  'files/type-not-allowed': { en: 'This file type is not allowed', ar: 'نوع الملف غير مسموح' },
  'files/not-found': { en: 'The file was not found', ar: 'الملف غير موجود' },
  'files/no-file': { en: 'No file was uploaded', ar: 'لم يتم رفع أي ملف' },
  'files/malformed-form': { en: 'The multipart body is malformed', ar: 'محتوى النموذج متعدد الأجزاء غير صالح' },
  'files/invalid-signature': { en: 'The download link is invalid or expired', ar: 'رابط التنزيل غير صالح أو منتهي' },
});
