import { z } from 'zod';

/**
 * Input schemas every DTO shares (ARCHITECTURE rule 15). PostgreSQL reads `0190A0C8-…` and `0190a0c8-…`
 * as one uuid while JavaScript compares them as different strings, so an id is lower-cased as it is parsed:
 * a self-check, a same-branch check, a cycle check or a cache key can then never be passed with another
 * spelling. Dates are held to a window both PostgreSQL and JavaScript's ISO form represent alike.
 */

/** Every id a request carries (path, query, body): a UUID of any case, handed on in lower case. */
export const idSchema = z.uuid().toLowerCase();

/**
 * The calendar window for every date and instant a client sends (UTC, offsets applied): PostgreSQL has no
 * year 0 and JavaScript writes years past 9999 as `+010000-…`, which PostgreSQL refuses. Nothing a pharmacy
 * records lies before 1900 (birth dates included) or after 9999.
 */
export const DATE_MIN = '1900-01-01';
export const DATE_MAX = '9999-12-31';
const MIN_MS = Date.parse(`${DATE_MIN}T00:00:00.000Z`);
const MAX_MS = Date.parse(`${DATE_MAX}T23:59:59.999Z`);
const WINDOW_MESSAGE = `must lie between ${DATE_MIN} and ${DATE_MAX} (UTC)`;

export const inDateWindow = (ms: number) => ms >= MIN_MS && ms <= MAX_MS;

/** An ISO 8601 date-time, with `Z` or an offset, within the window once converted to UTC. */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .refine((s) => inDateWindow(Date.parse(s)), { message: WINDOW_MESSAGE, abort: true });

/** An ISO 8601 calendar date (YYYY-MM-DD) within the window. */
export const dateSchema = z.iso
  .date()
  .refine((s) => inDateWindow(Date.parse(`${s}T00:00:00.000Z`)), { message: WINDOW_MESSAGE, abort: true });

/**
 * A yes/no query parameter: the text `true` or `false`, handed on as a boolean. The document shows it as a
 * boolean (generated clients take `rx: true` and send its text).
 */
export const flagQuery = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .pipe(z.boolean());
