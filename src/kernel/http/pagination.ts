import { z } from 'zod';
import { AppError } from '../errors/index.js';
import { unstorableText } from './input.pipe.js';
import { dateSchema, idSchema, inDateWindow } from './params.js';

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

export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;

/** What a cursor position holds, with its bounds: the fuzzer reads these to craft out-of-range cursors. */
export type CursorFieldSpec =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'flag' }
  | { kind: 'tag'; value: string }
  | { kind: 'id' }
  | { kind: 'instant' }
  | { kind: 'date' }
  | { kind: 'text'; max: number };

export interface CursorField<T = unknown> {
  readonly spec: CursorFieldSpec;
  readonly schema: z.ZodType<T>;
}

const field = <T>(spec: CursorFieldSpec, schema: z.ZodType<T>): CursorField<T> => ({ spec, schema });
const storable = (s: string) => unstorableText(s, 'cursor').length === 0;

/**
 * The only values a cursor may carry, each range-checked (rule 15): a client can decode, edit and re-encode
 * any cursor, and a value PostgreSQL refuses (an int past int4, year 0000, NUL in text) would fail the
 * query with a 500 instead of answering 400.
 */
export const cursorField = {
  /** An integer; defaults to the int4 range, pass the column's real range when it is narrower. */
  int: (min = INT4_MIN, max = INT4_MAX) => field({ kind: 'int', min, max }, z.number().int().min(min).max(max)),
  /** A finite number within the column's range (JSON cannot carry NaN or infinities; the bounds keep 1e308 out). */
  number: (min: number, max: number) => field({ kind: 'number', min, max }, z.number().min(min).max(max)),
  /** 0 or 1 (a boolean in a keyset). */
  flag: field({ kind: 'flag' }, z.union([z.literal(0), z.literal(1)])),
  /** A constant naming the ordering, so a cursor of one ordering is refused by another. */
  tag: <const L extends string>(value: L) => field({ kind: 'tag', value }, z.literal(value)),
  /** A uuid, lower-cased like every id (JavaScript compares cursor ids with row ids as strings). */
  id: field({ kind: 'id' }, idSchema),
  /** An instant as the server writes it (toISOString, UTC), within the date window. */
  instant: field(
    { kind: 'instant' },
    z.iso.datetime().refine((s) => inDateWindow(Date.parse(s))),
  ),
  /** A calendar date within the date window. */
  date: field({ kind: 'date' }, dateSchema),
  /** Non-empty text PostgreSQL can store (no NUL, no lone surrogate), at most `max` characters. */
  text: (max: number) => field({ kind: 'text', max }, z.string().min(1).max(max).refine(storable)),
};

type Values<F extends readonly CursorField[]> = {
  -readonly [K in keyof F]: F[K] extends CursorField<infer T> ? T : never;
};

/** A cursor's positions; decodeCursor accepts nothing else, so every cursor goes through the checks above. */
export class CursorShape<T extends readonly unknown[] = readonly unknown[]> {
  readonly schema: z.ZodType<T>;
  constructor(readonly fields: readonly CursorField[]) {
    this.schema = z.tuple(fields.map((f) => f.schema) as [z.ZodType, ...z.ZodType[]]) as unknown as z.ZodType<T>;
    SHAPES.push(this as CursorShape);
  }
}

/** The values a shape decodes to. */
export type CursorValues<S> = S extends CursorShape<infer T> ? T : never;

const SHAPES: CursorShape[] = [];
/** Every shape declared so far (module load time): the fuzzer crafts bad cursors from each. */
export const cursorShapes = (): readonly CursorShape[] => SHAPES;

export function cursorShape<const F extends readonly CursorField[]>(...fields: F): CursorShape<Values<F>> {
  return new CursorShape<Values<F>>(fields);
}

export function decodeCursor<T extends readonly unknown[]>(
  cursor: string | undefined,
  shape: CursorShape<T>,
): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = shape.schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw new AppError('validation', 'common/invalid-cursor', 'The cursor is not valid', {
    errors: [{ field: 'cursor', code: 'invalid_format', message: 'is not a valid cursor' }],
  });
}

/** Given limit+1 rows fetched, returns the page and the cursor of its last row. */
export function toPage<R>(rows: R[], limit: number, keyOf: (row: R) => readonly (string | number)[]): Page<R>;
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => readonly (string | number)[],
  map: (row: R) => T,
): Page<T>;
/** Without `map` the rows are the items (the route's compiled serialiser writes only its schema's fields). */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => readonly (string | number)[],
  map?: (row: R) => T,
): Page<T | R> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return {
    items: map ? slice.map(map) : slice,
    nextCursor: more ? encodeCursor(keyOf(slice[slice.length - 1])) : null,
  };
}
