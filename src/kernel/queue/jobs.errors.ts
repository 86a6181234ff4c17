import { AppError, defineMessages } from '../errors/index.js';

export const JobErrors = {
  failureNotFound: () => AppError.notFound('jobs/failure-not-found', 'The failed job was not found'),
  /** Retried already: its new run is queued (or done); another retry would run it twice. */
  alreadyRetried: () => AppError.conflict('jobs/already-retried', 'This failed job was already retried'),
  /** The job was renamed or removed since it failed: nothing in this release would run it. */
  noHandler: () => AppError.conflict('jobs/no-handler', 'No handler runs this job any more'),
};

defineMessages({
  'jobs/failure-not-found': { en: 'The failed job was not found', ar: 'لم يتم العثور على المهمة الفاشلة' },
  'jobs/already-retried': { en: 'This failed job was already retried', ar: 'أُعيدت محاولة هذه المهمة الفاشلة من قبل' },
  'jobs/no-handler': { en: 'No handler runs this job any more', ar: 'لم تعد هناك جهة تنفذ هذه المهمة' },
});
