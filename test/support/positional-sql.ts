import { sql, type SQL } from 'drizzle-orm';

/**
 * A raw query with `$1`, `$2` ... placeholders as a drizzle SQL value, each parameter bound as one value
 * (an array stays one array parameter, for `= any($1)`). For specs that set rows up by hand.
 */
export function positional(query: string, params: unknown[] = []): SQL {
  const parts = query.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => {
    chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${sql.param(params[Number(part) - 1])}`);
  });
  return sql.join(chunks, sql.raw(''));
}
