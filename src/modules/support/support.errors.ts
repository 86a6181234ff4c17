import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The support module's stable error codes (their en and ar messages below). */
export const SupportErrors = {
  notFound: () => AppError.notFound('support/not-found', 'The ticket was not found'),
  /** A linked order, appointment or prescription that is missing or another customer's (the same answer). */
  linkNotFound: (kind: string) =>
    new AppError('not_found', 'support/link-not-found', `The ${kind} to link was not found`, { kind }),
  reopenClosed: (resolvedAt: string | null) =>
    AppError.conflict('support/reopen-window-closed', 'A resolved ticket can be reopened for 7 days only', {
      resolvedAt,
    }),
  ticketResolved: () =>
    AppError.conflict('support/ticket-resolved', 'The ticket is resolved: reopen it to write again'),
  ticketClosed: () => AppError.conflict('support/ticket-closed', 'The ticket is closed'),
  threadFull: (max: number) =>
    AppError.conflict('support/thread-full', `A ticket holds at most ${max} messages`, { max }),
  /** 409 like other "this other account cannot take part" answers: the body is well formed, the person is not staff. */
  assigneeNotStaff: () =>
    AppError.conflict('support/assignee-not-staff', 'The assignee must be a staff member who works tickets'),
};

export const SupportMessages = defineMessages({
  'support/not-found': { en: 'We could not find this ticket', ar: 'لم نتمكن من العثور على هذه التذكرة' },
  'support/link-not-found': {
    en: 'We could not find the record to link to this ticket',
    ar: 'لم نتمكن من العثور على السجل المراد ربطه بهذه التذكرة',
  },
  'support/reopen-window-closed': {
    en: 'This ticket can no longer be reopened; please open a new one',
    ar: 'لم يعد بالإمكان إعادة فتح هذه التذكرة، يرجى فتح تذكرة جديدة',
  },
  'support/ticket-resolved': {
    en: 'This ticket is resolved; reopen it to write again',
    ar: 'تم حل هذه التذكرة، أعد فتحها للكتابة مجدداً',
  },
  'support/ticket-closed': { en: 'This ticket is closed', ar: 'هذه التذكرة مغلقة' },
  'support/thread-full': {
    en: 'This ticket has too many messages; please open a new one',
    ar: 'تحتوي هذه التذكرة على عدد كبير من الرسائل، يرجى فتح تذكرة جديدة',
  },
  'support/assignee-not-staff': {
    en: 'Tickets can only be assigned to support staff',
    ar: 'يمكن إسناد التذاكر إلى موظفي الدعم فقط',
  },
});
