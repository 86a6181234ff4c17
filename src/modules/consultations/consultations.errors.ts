import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The consultations module's stable error codes (their en and ar messages below). */
export const ConsultationErrors = {
  /** Missing, or not yours (the same answer: no id probing). */
  notFound: () => AppError.notFound('consultations/not-found', 'The consultation was not found'),
  checkInClosed: (opensAt: Date, closesAt: Date) =>
    AppError.conflict('consultations/check-in-closed', 'Check-in is open only shortly before the appointment', {
      opensAt: opensAt.toISOString(),
      closesAt: closesAt.toISOString(),
    }),
  notYetStartable: (opensAt: Date) =>
    AppError.conflict('consultations/too-early', 'The consultation cannot start this early', {
      opensAt: opensAt.toISOString(),
    }),
  videoClosed: (opensAt: Date, closesAt: Date) =>
    AppError.conflict('consultations/video-closed', 'The video room is open only around the appointment time', {
      opensAt: opensAt.toISOString(),
      closesAt: closesAt.toISOString(),
    }),
  notVideo: () => AppError.conflict('consultations/not-video', 'This is a clinic appointment: it has no video room'),
  chatClosed: (status: string) =>
    AppError.conflict('consultations/chat-closed', `Chat is closed for a ${status} consultation`, { status }),
  notesClosed: (status: string) =>
    AppError.conflict('consultations/notes-closed', `Notes are written once the consultation started (${status})`, {
      status,
    }),
  noteSigned: () =>
    AppError.conflict('consultations/note-signed', 'The note is signed and locked: add an addendum instead'),
  noNote: () => AppError.conflict('consultations/no-note', 'There is no draft note to sign'),
  noteNotSigned: () =>
    AppError.conflict('consultations/note-not-signed', 'Addenda correct a signed note: sign the note first'),
  notRateable: (status: string) =>
    AppError.conflict('consultations/not-rateable', `A ${status} consultation cannot be rated`, { status }),
  alreadyRated: () => AppError.conflict('consultations/already-rated', 'This consultation was already rated'),
};

export const ConsultationsMessages = defineMessages({
  'consultations/not-found': {
    en: 'We could not find this consultation',
    ar: 'لم نتمكن من العثور على هذه الاستشارة',
  },
  'consultations/check-in-closed': {
    en: 'You can check in only shortly before your appointment',
    ar: 'يمكنك تسجيل الحضور قبل موعدك بوقت قصير فقط',
  },
  'consultations/too-early': {
    en: 'This consultation cannot start yet',
    ar: 'لا يمكن بدء هذه الاستشارة بعد',
  },
  'consultations/video-closed': {
    en: 'The video room opens shortly before the appointment and closes after it',
    ar: 'تفتح غرفة الفيديو قبل الموعد بقليل وتغلق بعده',
  },
  'consultations/not-video': {
    en: 'This appointment is at the clinic and has no video call',
    ar: 'هذا الموعد في العيادة وليس له مكالمة فيديو',
  },
  'consultations/chat-closed': {
    en: 'Chat is not open for this consultation',
    ar: 'المحادثة غير متاحة لهذه الاستشارة',
  },
  'consultations/notes-closed': {
    en: 'Notes can be written once the consultation has started',
    ar: 'يمكن كتابة الملاحظات بعد بدء الاستشارة',
  },
  'consultations/note-signed': {
    en: 'This note is signed and can no longer be changed; add an addendum',
    ar: 'هذه الملاحظة موقعة ولا يمكن تعديلها؛ أضف ملحقًا',
  },
  'consultations/no-note': { en: 'There is no note to sign yet', ar: 'لا توجد ملاحظة للتوقيع بعد' },
  'consultations/note-not-signed': {
    en: 'Sign the note before adding an addendum',
    ar: 'وقّع الملاحظة قبل إضافة ملحق',
  },
  'consultations/not-rateable': {
    en: 'You can rate a consultation once it is completed',
    ar: 'يمكنك تقييم الاستشارة بعد اكتمالها',
  },
  'consultations/already-rated': {
    en: 'You have already rated this consultation',
    ar: 'لقد قيّمت هذه الاستشارة من قبل',
  },
});
