import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../errors/index.js';
import { decodeCursor, encodeCursor, toPage } from './pagination.js';

const SEED = 20_240_611;
const keyset = z.array(z.union([z.string(), z.number()]));
/** What keysets hold: ids, timestamps, names (any Unicode, lone surrogates included) and finite numbers. */
const value = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.uuid(),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
);

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
  it('round-trips any keyset through encode and decode', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 6 }), (values) => {
        const cursor = encodeCursor(values);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]*$/);
        const decoded = decodeCursor(cursor, keyset);
        // Lone surrogates travel as JSON escapes and come back intact.
        expect(decoded).toEqual(values);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('never throws anything but AppError common/invalid-cursor on arbitrary strings', () => {
    const shapes = [keyset, z.tuple([z.uuid()]), z.tuple([z.iso.datetime(), z.uuid()])];
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

  it('accepts only cursors whose content fits the shape', () => {
    const shape = z.tuple([z.uuid()]);
    fc.assert(
      fc.property(fc.jsonValue(), (content) => {
        const cursor = Buffer.from(JSON.stringify(content) ?? 'null').toString('base64url');
        const err = thrown(() => decodeCursor(cursor, shape));
        expect(err === undefined).toBe(shape.safeParse(JSON.parse(JSON.stringify(content) ?? 'null')).success);
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
        if (page.nextCursor) expect(decodeCursor(page.nextCursor, z.tuple([z.uuid()]))).toEqual([rows[limit - 1]]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
