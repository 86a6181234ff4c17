import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import {
  DEFAULT_LIMIT,
  MAX_LIMIT,
  cursorField,
  cursorShape,
  cursorShapes,
  decodeCursor,
  encodeCursor,
  pageQuery,
  toPage,
} from './pagination.js';

const shape = cursorShape(cursorField.instant, cursorField.id);
const numberAndText = cursorShape(cursorField.int(), cursorField.text(10));
const KEY = ['2025-01-02T03:04:05.000Z', '0190a0c8-0000-7000-8000-000000000001'] as const;

function cursorError(cursor: string): AppError {
  try {
    decodeCursor(cursor, shape);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected decodeCursor to throw');
}

describe('pageQuery', () => {
  it('defaults the limit to 20 and leaves the cursor out', () => {
    expect(DEFAULT_LIMIT).toBe(20);
    expect(pageQuery.parse({})).toEqual({ limit: 20 });
  });

  it('coerces the query-string limit', () => {
    expect(pageQuery.parse({ limit: '5', cursor: 'abc' })).toEqual({ limit: 5, cursor: 'abc' });
    expect(pageQuery.parse({ limit: '1' }).limit).toBe(1);
    expect(pageQuery.parse({ limit: String(MAX_LIMIT) }).limit).toBe(100);
  });

  it.each(['0', '101', '-1', '2.5', 'ten', ''])('rejects limit=%j', (limit) => {
    expect(pageQuery.safeParse({ limit }).success).toBe(false);
  });

  it('rejects unknown parameters and over-long cursors', () => {
    expect(pageQuery.safeParse({ offset: '10' }).success).toBe(false);
    expect(pageQuery.safeParse({ cursor: 'x'.repeat(513) }).success).toBe(false);
    expect(pageQuery.safeParse({ cursor: 'x'.repeat(512) }).success).toBe(true);
  });
});

describe('cursors', () => {
  it('round-trips keyset values through an opaque base64url string', () => {
    const cursor = encodeCursor(KEY);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, shape)).toEqual([...KEY]);
    expect(decodeCursor(encodeCursor([42, 'x']), numberAndText)).toEqual([42, 'x']);
  });

  it('lower-cases ids, as every id is lower-cased when parsed', () => {
    expect(decodeCursor(encodeCursor([KEY[0], KEY[1].toUpperCase()]), shape)).toEqual([...KEY]);
  });

  it("keeps every declared shape for the fuzzer, with each field's bounds", () => {
    expect(cursorShapes()).toContain(numberAndText);
    expect(numberAndText.fields.map((f) => f.spec)).toEqual([
      { kind: 'int', min: -2_147_483_648, max: 2_147_483_647 },
      { kind: 'text', max: 10 },
    ]);
  });

  it('returns undefined when there is no cursor', () => {
    expect(decodeCursor(undefined, shape)).toBeUndefined();
  });

  it.each([
    ['garbage', '!!!not base64!!!'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['JSON of the wrong shape', encodeCursor([1, 2])],
    ['JSON that is not an array', Buffer.from('{"a":1}').toString('base64url')],
    ['a too-short tuple', encodeCursor([KEY[0]])],
    ['empty', ''],
    ['an int past int4', encodeCursor([2 ** 31, 'x'])],
    ['2^53', Buffer.from('[9007199254740992,"x"]').toString('base64url')],
    ['a fraction where an int goes', encodeCursor([1.5, 'x'])],
    ['year 0000', encodeCursor(['0000-01-01T00:00:00.000Z', KEY[1]])],
    ['year 1899', encodeCursor(['1899-12-31T23:59:59.999Z', KEY[1]])],
    ['a year past 9999 as JavaScript writes it', encodeCursor(['+010000-01-01T00:00:00.000Z', KEY[1]])],
    ['an offset the server never writes', encodeCursor(['2025-01-02T03:04:05+02:00', KEY[1]])],
    ['a malformed id', encodeCursor([KEY[0], 'not-a-uuid'])],
    ['text holding NUL', encodeCursor([1, 'a\u0000'])],
    ['text holding a lone surrogate', encodeCursor([1, '\ud800'])],
    ['empty text', encodeCursor([1, ''])],
    ['text past its length', encodeCursor([1, 'x'.repeat(11)])],
  ])('rejects %s with common/invalid-cursor', (_label, cursor) => {
    const err = cursorError(cursor);
    expect(err.code).toBe('common/invalid-cursor');
    expect(err.status).toBe(400);
    expect(err.details.errors).toEqual([{ field: 'cursor', code: 'invalid_format', message: 'is not a valid cursor' }]);
  });
});

describe('toPage', () => {
  const rows = Array.from({ length: 4 }, (_, i) => ({ id: `id-${i}`, n: i }));
  const keyOf = (r: { id: string; n: number }) => [r.n, r.id] as const;
  const map = (r: { id: string }) => r.id;

  it('with limit+1 rows returns limit items and the cursor of the last item returned', () => {
    const page = toPage(rows, 3, keyOf, map);
    expect(page.items).toEqual(['id-0', 'id-1', 'id-2']);
    expect(page.nextCursor).toBe(encodeCursor([2, 'id-2']));
    expect(decodeCursor(page.nextCursor!, numberAndText)).toEqual([2, 'id-2']);
  });

  it('with limit rows or fewer has no next page', () => {
    expect(toPage(rows.slice(0, 3), 3, keyOf, map)).toEqual({ items: ['id-0', 'id-1', 'id-2'], nextCursor: null });
    expect(toPage(rows.slice(0, 1), 3, keyOf, map)).toEqual({ items: ['id-0'], nextCursor: null });
    expect(toPage([], 3, keyOf, map)).toEqual({ items: [], nextCursor: null });
  });
});
