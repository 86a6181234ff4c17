import { z } from 'zod';
import { AppError } from '../errors/index.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** `?limit=&cursor=` for every list (keyset pagination; no offsets, whose cost grows with the page). */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  cursor: z.string().max(512).optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Opaque cursor: the keyset values of the last row, base64url JSON. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType<readonly unknown[]>>(
  cursor: string | undefined,
  shape: T,
): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw new AppError('validation', 'common/invalid-cursor', 'The cursor is not valid', {
    errors: [{ field: 'cursor', code: 'invalid_format', message: 'is not a valid cursor' }],
  });
}

/** Given limit+1 rows fetched, returns the page and the cursor of its last row. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => readonly (string | number)[],
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return { items: slice.map(map), nextCursor: more ? encodeCursor(keyOf(slice[slice.length - 1])) : null };
}
