import { getTableColumns, is, SQL, type InferInsertModel, type InferSelectModel, type Table } from 'drizzle-orm';

/**
 * Rows for one-statement inserts (several tables in one round trip: `insert into t select * from
 * jsonb_populate_recordset(null::t, $json)`). PostgreSQL reads JSON into the table's own row type, where a
 * missing key is null, not the column's default; so every row is completed here with its defaults first.
 */

/** The full row as the table would return it: the given values, else the column's default, else null. */
export function completeRow<T extends Table>(
  table: T,
  values: InferInsertModel<T>,
  now = new Date(),
): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  const given = values as Record<string, unknown>;
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (given[key] !== undefined) row[key] = given[key];
    else if (column.defaultFn) row[key] = column.defaultFn();
    // defaultNow() (the only SQL default our tables use): this statement's instant.
    else if (is(column.default, SQL)) row[key] = now;
    else row[key] = column.default ?? null;
  }
  return row as InferSelectModel<T>;
}

/** Complete rows as a JSON array keyed by column name, for jsonb_populate_recordset. */
export function jsonRows<T extends Table>(table: T, rows: readonly InferSelectModel<T>[]): string {
  const columns = Object.entries(getTableColumns(table));
  return JSON.stringify(
    rows.map((r) => {
      const out: Record<string, unknown> = {};
      for (const [key, column] of columns) out[column.name] = (r as Record<string, unknown>)[key];
      return out;
    }),
  );
}
