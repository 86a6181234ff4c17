import { and, eq, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.js';

/**
 * The conditional update behind every lifecycle step (kernel/state-machine.ts `StateStore.move`):
 * `UPDATE table SET status = to, ...set WHERE <where> AND status = from RETURNING *`. Two concurrent steps
 * from the same state cannot both win: the second waits for the first's row lock, re-reads the row, finds
 * it no longer in `from` and updates nothing. Answers the rows it moved (none: the subject was not in
 * `from`).
 */
export function moveStatus<T extends PgTable>(
  tx: DbOrTx,
  table: T,
  status: PgColumn,
  where: SQL | undefined,
  from: string,
  to: string,
  set: PgUpdateSetSource<T> = {},
): Promise<T['$inferSelect'][]> {
  const key = Object.entries(table).find(([, column]) => column === status)?.[0];
  if (!key) throw new Error(`moveStatus: ${status.name} is not a column of the table`);
  return tx
    .update(table)
    .set({ ...set, [key]: to } as PgUpdateSetSource<T>)
    .where(and(where, eq(status, from)))
    .returning() as unknown as Promise<T['$inferSelect'][]>;
}
