import { defineMessages } from '../../kernel/errors/index.js';

/** What a person reads for each of the catalog module's codes (problem+json `detail`, en and ar). */
export const CatalogMessages = defineMessages({
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
});
