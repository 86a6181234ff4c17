import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileResponseProjection } from './response-serializer.js';

const SEED = 20_261_204;

// The shapes answers use: nested objects, arrays, nullable scalars and objects, enums, literals, records,
// unions, optional fields, a registered (meta id) schema reached by $ref, and integers.
const ingredient = z.object({ name: z.string(), strength: z.string().nullable() });
const item = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(['tablet', 'syrup']),
    tag: z.literal('p'),
    priceMinor: z.number().int().min(0),
    ratio: z.number(),
    rx: z.boolean(),
    image: z.string().nullable(),
    note: z.string().optional(),
    ingredients: z.array(ingredient),
    parent: ingredient.nullable(),
    labels: z.record(z.string(), z.string()),
    ref: z.union([z.url(), z.uuid()]),
    at: z.iso.datetime(),
  })
  .meta({ id: 'SerializerSpecItem' });
const page = z.object({ items: z.array(item), nextCursor: z.string().nullable() });

const extra = fc.dictionary(fc.constantFrom('secret', 'passwordHash', 'internal', '__proto__x'), fc.anything(), {
  maxKeys: 2,
});
const withExtra = <T extends object>(a: fc.Arbitrary<T>) => fc.tuple(a, extra).map(([v, e]) => ({ ...e, ...v }));
const ingredientArb = withExtra(fc.record({ name: fc.string(), strength: fc.option(fc.string(), { nil: null }) }));
const itemArb = withExtra(
  fc.record(
    {
      id: fc.uuid({ version: 4 }),
      name: fc.string(),
      kind: fc.constantFrom('tablet' as const, 'syrup' as const),
      tag: fc.constant('p' as const),
      priceMinor: fc.nat(),
      ratio: fc.double({ noNaN: true, noDefaultInfinity: true }),
      rx: fc.boolean(),
      image: fc.option(fc.string(), { nil: null }),
      note: fc.string(),
      ingredients: fc.array(ingredientArb, { maxLength: 3 }),
      parent: fc.option(ingredientArb, { nil: null }),
      labels: fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 3 }),
      ref: fc.oneof(fc.webUrl(), fc.uuid({ version: 4 })),
      at: fc
        .date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') })
        .map((d) => d.toISOString()),
    },
    {
      requiredKeys: [
        'id',
        'name',
        'kind',
        'tag',
        'priceMinor',
        'ratio',
        'rx',
        'image',
        'ingredients',
        'parent',
        'labels',
        'ref',
        'at',
      ],
    },
  ),
);

describe('compileResponseProjection', () => {
  const project = compileResponseProjection(page);
  const stringify = (value: unknown) => JSON.stringify(project(value));

  it('writes exactly what parsing through the zod schema keeps: unknown fields never leave', () => {
    fc.assert(
      fc.property(
        withExtra(
          fc.record({ items: fc.array(itemArb, { maxLength: 4 }), nextCursor: fc.option(fc.string(), { nil: null }) }),
        ),
        (value) => {
          const written = JSON.parse(stringify(value));
          expect(written).toEqual(JSON.parse(JSON.stringify(page.parse(value))));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('refuses an answer that lacks a required field, as the parse did', () => {
    expect(() => stringify({ items: [], nextCursor: null })).not.toThrow();
    expect(() => stringify({ items: [{ id: 'x' }] })).toThrow(/items\[0\]\.name: required/);
  });

  it('refuses a value of another type where a scalar is declared (an object cannot ride out in a string field)', () => {
    const [valid] = fc.sample(itemArb, { seed: SEED, numRuns: 1 });
    expect(() => stringify({ items: [valid], nextCursor: null })).not.toThrow();
    expect(() => stringify({ items: [{ ...valid, name: { passwordHash: 'x' } }], nextCursor: null })).toThrow(
      /items\[0\]\.name: expected string/,
    );
    expect(() => stringify({ items: [{ ...valid, parent: { name: 1, strength: null } }], nextCursor: null })).toThrow(
      /items\[0\]\.parent\.name: expected string/,
    );
    expect(() => stringify({ items: [valid], nextCursor: 7 })).toThrow(/nextCursor: expected string/);
    expect(() => stringify({ items: [{ ...valid, kind: 'powder' }], nextCursor: null })).toThrow(
      /items\[0\]\.kind: not one of/,
    );
    expect(() => stringify({ items: [{ ...valid, tag: 'q' }], nextCursor: null })).toThrow(
      /items\[0\]\.tag: not one of/,
    );
  });

  it('keeps a registered schema made nullable or optional (allOf of its $ref), and its parts in an intersection', () => {
    const reg = z.object({ r: z.string() }).meta({ id: 'SerializerSpecReg' });
    const holder = z.object({
      a: reg.nullable(),
      b: reg.optional(),
      c: z.intersection(reg, z.object({ s: z.number() })),
    });
    const written = compileResponseProjection(holder)({
      a: { r: '1', secret: 'x' },
      b: { r: '2', secret: 'x' },
      c: { r: '3', s: 4, secret: 'x' },
    });
    expect(written).toEqual({ a: { r: '1' }, b: { r: '2' }, c: { r: '3', s: 4 } });
    expect(compileResponseProjection(holder)({ a: null, c: { r: '3', s: 4 } })).toEqual({
      a: null,
      c: { r: '3', s: 4 },
    });
    expect(() => compileResponseProjection(holder)({ a: { secret: 'x' }, c: { r: '3', s: 4 } })).toThrow(
      /a\.r: required/,
    );
  });
});
