import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { unstorableText } from './input.pipe.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  encodeCursor,
  INT4_MAX,
  INT4_MIN,
  toPage,
  type CursorShape,
} from './pagination.js';

const SEED = 20_240_611;
/** What keysets hold: ids (any case), instants, dates, names (any storable Unicode) and bounded numbers. */
const FIELDS = [
  [cursorField.id, fc.uuid().chain((u) => fc.constantFrom(u, u.toUpperCase()))],
  [
    cursorField.instant,
    fc
      .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  ],
  [
    cursorField.date,
    fc
      .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
  ],
  [cursorField.text(64), fc.string({ minLength: 1, maxLength: 64 }).filter((s) => !s.includes('\u0000'))],
  [cursorField.int(), fc.integer({ min: INT4_MIN, max: INT4_MAX })],
  [
    cursorField.number(0, 13_000_000),
    fc.double({ min: 0, max: 13_000_000, noNaN: true }).filter((n) => !Object.is(n, -0)),
  ],
  [cursorField.flag, fc.constantFrom(0, 1)],
] as const;
const shapeAndValues = fc
  .array(fc.constantFrom(...FIELDS), { minLength: 1, maxLength: 5 })
  .chain((picked) =>
    fc.tuple(
      fc.constant(cursorShape(...picked.map(([f]) => f))),
      fc.tuple(...picked.map(([, arb]) => arb as fc.Arbitrary<string | number>)),
    ),
  );
const lowerIds = (values: readonly unknown[], shape: CursorShape) =>
  values.map((v, i) => (shape.fields[i].spec.kind === 'id' ? (v as string).toLowerCase() : v));

/** Runs `fn` and returns what it threw (or undefined). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('cursor properties', () => {
  it('round-trips any in-range keyset through encode and decode, ids lower-cased', () => {
    fc.assert(
      fc.property(shapeAndValues, ([shape, values]) => {
        const cursor = encodeCursor(values);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodeCursor(cursor, shape)).toEqual(lowerIds(values, shape));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('never throws anything but AppError common/invalid-cursor on arbitrary strings', () => {
    const shapes: CursorShape[] = [
      cursorShape(cursorField.text(64), cursorField.int()),
      cursorShape(cursorField.id),
      cursorShape(cursorField.instant, cursorField.id),
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 600 }),
          fc.base64String(),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
        ),
        fc.constantFrom(...shapes),
        (cursor, shape) => {
          const err = thrown(() => decodeCursor(cursor, shape));
          if (err === undefined) return;
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).code).toBe('common/invalid-cursor');
          expect((err as AppError).status).toBe(400);
        },
      ),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it("decodes only values within each field's range (numbers, dates, text PostgreSQL can store)", () => {
    const shape = cursorShape(
      cursorField.int(0, 2999),
      cursorField.number(0, 100),
      cursorField.instant,
      cursorField.date,
      cursorField.text(8),
    );
    const anyValue = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom(2 ** 53, -(2 ** 53), 1e308, 2 ** 31, -1, 3000, 100.5),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.constantFrom(
        '0000-01-01',
        '0000-01-01T00:00:00.000Z',
        '9999-12-31T23:59:59.999Z',
        'a\u0000',
        '\ud800',
        'x'.repeat(9),
      ),
      fc.string({ unit: 'binary', maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.tuple(anyValue, anyValue, anyValue, anyValue, anyValue), (values) => {
        const err = thrown(() => decodeCursor(encodeCursor(values), shape));
        const [score, km, instant, date, text] = values;
        const fits =
          Number.isInteger(score) &&
          (score as number) >= 0 &&
          (score as number) <= 2999 &&
          typeof km === 'number' &&
          km >= 0 &&
          km <= 100 &&
          typeof instant === 'string' &&
          /^\d{4}-/.test(instant) &&
          instant.endsWith('Z') &&
          instant.length > 10 &&
          instant.slice(0, 4) >= '1900' &&
          typeof date === 'string' &&
          /^\d{4}-\d{2}-\d{2}$/.test(date) &&
          date.slice(0, 4) >= '1900' &&
          typeof text === 'string' &&
          text.length >= 1 &&
          text.length <= 8 &&
          unstorableText(text, '').length === 0;
        expect(err === undefined, JSON.stringify(values)).toBe(fits);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it('accepts only cursors whose content fits the shape', () => {
    const shape = cursorShape(cursorField.id);
    fc.assert(
      fc.property(fc.jsonValue(), (content) => {
        const cursor = Buffer.from(JSON.stringify(content) ?? 'null').toString('base64url');
        const err = thrown(() => decodeCursor(cursor, shape));
        expect(err === undefined).toBe(shape.schema.safeParse(JSON.parse(JSON.stringify(content) ?? 'null')).success);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('pages: at most `limit` items, a cursor exactly when more rows were fetched, pointing at the last item', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { maxLength: 30 }), fc.integer({ min: 1, max: 25 }), (ids, limit) => {
        const rows = ids.slice(0, limit + 1);
        const page = toPage(
          rows,
          limit,
          (id) => [id],
          (id) => ({ id }),
        );
        expect(page.items.length).toBe(Math.min(rows.length, limit));
        expect(page.nextCursor !== null).toBe(rows.length > limit);
        if (page.nextCursor)
          expect(decodeCursor(page.nextCursor, cursorShape(cursorField.id))).toEqual([rows[limit - 1]]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
