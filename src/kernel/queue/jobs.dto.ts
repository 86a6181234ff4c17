import { z } from 'zod';
import { cursorField, cursorShape, idSchema, pageQuery, pageSchema } from '../http/index.js';

export const failedJobsQuery = pageQuery;
export type FailedJobsQuery = z.infer<typeof failedJobsQuery>;

export const failedJobIdParam = idSchema;

/** Newest failure first: (failedAt, id) of the page's last row. */
export const failedJobsCursor = cursorShape(cursorField.instant, cursorField.id);

export const failedJobView = z.object({
  id: z.string(),
  /** The job's name in the job map (`outbox.deliver`, `orders.expire-overdue`, …). */
  name: z.string(),
  /** The job's payload, as JSON text (its shape is the job's own: the job map in the code names it). */
  payload: z.string(),
  /** Attempts made before it was given up (the first run and its retries). */
  attempts: z.number().int(),
  lastError: z.string(),
  failedAt: z.string(),
});
export type FailedJobView = z.infer<typeof failedJobView>;

export const failedJobsPage = pageSchema(failedJobView);

export const retriedJobView = z.object({
  id: z.string(),
  name: z.string(),
  retriedAt: z.string(),
});
