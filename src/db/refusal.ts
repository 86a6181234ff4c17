/**
 * The SQLSTATE and constraint name of a database refusal, the same on pg and PGlite (drizzle wraps the
 * driver's error in `cause`). Services map the constraints they own to errors a client can act on.
 */
export function dbRefusal(err: unknown): { code: string; constraint?: string } | undefined {
  let e = err as { code?: unknown; constraint?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++, e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
      return { code: e.code, constraint: typeof e.constraint === 'string' ? e.constraint : undefined };
  }
  return undefined;
}

const FOREIGN_KEY_VIOLATION = '23503';

/** Whether `err` is the database refusing a row whose foreign key `constraint` names no row. */
export function isForeignKeyViolation(err: unknown, constraint: string): boolean {
  const refusal = dbRefusal(err);
  return refusal?.code === FOREIGN_KEY_VIOLATION && refusal.constraint === constraint;
}
