import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The appointments module's stable error codes (their en and ar messages below). */
export const AppointmentErrors = {
  notFound: () => AppError.notFound('appointments/not-found', 'The appointment was not found'),
  /** The exclusion constraint (or a committed booking) holds this time already. */
  slotTaken: () => AppError.conflict('appointments/slot-taken', 'This slot has just been booked'),
  slotNotOffered: () =>
    AppError.conflict('appointments/slot-not-offered', 'The doctor does not offer a slot starting at this time'),
  selfBooking: () => AppError.conflict('appointments/self-booking', 'A doctor cannot book their own slot'),
  typeUnavailable: (type: string) =>
    AppError.conflict('appointments/type-unavailable', `The doctor does not offer ${type} appointments`, { type }),
  rescheduleCap: (cap: number) =>
    AppError.conflict('appointments/reschedule-cap', `This booking was already moved ${cap} times`, { cap }),
  notReschedulable: (status: string) =>
    AppError.conflict('appointments/not-reschedulable', `A ${status} appointment cannot be moved`, { status }),
  onlyPatientReschedules: () =>
    AppError.conflict('appointments/patient-reschedules', 'Only the patient moves a booking; a doctor cancels it'),
  notADoctor: () =>
    AppError.notFound('appointments/not-a-doctor', 'Only doctor accounts have a schedule of appointments'),
};

export const AppointmentsMessages = defineMessages({
  'appointments/not-found': { en: 'We could not find this appointment', ar: 'لم نتمكن من العثور على هذا الموعد' },
  'appointments/slot-taken': { en: 'This time has just been booked', ar: 'تم حجز هذا الموعد للتو' },
  'appointments/slot-not-offered': {
    en: 'The doctor does not offer this time',
    ar: 'الطبيب لا يتيح هذا الموعد',
  },
  'appointments/self-booking': { en: 'You cannot book yourself', ar: 'لا يمكنك حجز موعد مع نفسك' },
  'appointments/type-unavailable': {
    en: 'The doctor does not offer this kind of appointment',
    ar: 'الطبيب لا يتيح هذا النوع من المواعيد',
  },
  'appointments/reschedule-cap': {
    en: 'This booking cannot be moved again',
    ar: 'لا يمكن تغيير موعد هذا الحجز مرة أخرى',
  },
  'appointments/not-reschedulable': {
    en: 'This appointment can no longer be moved',
    ar: 'لم يعد بالإمكان تغيير هذا الموعد',
  },
  'appointments/patient-reschedules': {
    en: 'Only the patient can move a booking',
    ar: 'المريض فقط يمكنه تغيير موعد الحجز',
  },
  'appointments/not-a-doctor': {
    en: 'Only doctor accounts have appointments to see',
    ar: 'حسابات الأطباء فقط لها مواعيد',
  },
});
