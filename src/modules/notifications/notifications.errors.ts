import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The notifications module's stable error codes (their en and ar messages below). */
export const NotificationErrors = {
  /** No such device of the caller's (another account's device answers the same: no id probing). */
  deviceNotFound: () => AppError.notFound('notifications/device-not-found', 'Device not found'),
};

export const NotificationMessages = defineMessages({
  'notifications/device-not-found': {
    en: 'This device is not registered for notifications',
    ar: 'هذا الجهاز غير مسجل لتلقي الإشعارات',
  },
});
