import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issuesToFieldErrors } from './validation.js';

const SEED = 20_240_611;
const KEYS = ['a', 'b', 'c', 'd'];

/** Arbitrary zod schemas built from the pieces our DTOs use (strict objects, arrays, unions, optionals). */
const { schema } = fc.letrec<{ schema: z.ZodType }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.constantFrom<z.ZodType>(
      z.string(),
      z.string().trim().min(2).max(5),
      z.email(),
      z.uuid(),
      z.number().int().min(0).max(10),
      z.coerce.number().int(),
      z.boolean(),
      z.enum(['en', 'ar']),
      z.literal(true),
      z.null(),
    ),
    tie('schema').map((s) => z.array(s).max(3)),
    tie('schema').map((s) => s.optional()),
    fc
      .dictionary(fc.constantFrom(...KEYS), tie('schema'), { maxKeys: 3 })
      .map((shape) => z.strictObject(shape) as z.ZodType),
    fc.tuple(tie('schema'), tie('schema')).map(([a, b]) => z.union([a, b]) as z.ZodType),
  ),
}));
/**
 * What the pipe validates: parsed JSON (ordinary objects; Fastify refuses `__proto__` keys). Not arbitrary
 * JavaScript: zod names the received type of an object with another prototype from its `constructor`, so
 * `Object.assign(Object.create(null), { constructor: 'x' })` reads as "received undefined".
 */
const input = fc
  .oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS, 'e', 'constructor', 'toString'), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 5,
    }),
  )
  // Through JSON text and back, as the body parser delivers it (ordinary prototypes).
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);

/** Every place in a value that holds something, as field names: 'a', 'a.0', 'a.0.b'. */
function presentPaths(v: unknown, prefix: string[] = [], out = new Set<string>()): Set<string> {
  if (v !== null && typeof v === 'object')
    for (const [k, child] of Object.entries(v)) {
      out.add([...prefix, k].join('.'));
      presentPaths(child, [...prefix, k], out);
    }
  return out;
}

describe('issuesToFieldErrors', () => {
  it('turns any zod failure into field errors: never throws, names real places, required only where nothing was sent', async () => {
    await fc.assert(
      fc.asyncProperty(schema, input, async (s, value) => {
        const result = await s['~standard'].validate(value);
        if (!result.issues) return;
        const errors = issuesToFieldErrors(result.issues);
        expect(errors.length).toBeGreaterThan(0);
        const present = presentPaths(value);
        expect(errors.length).toBeLessThanOrEqual(50 * 20);
        for (const e of errors) {
          // Only an unknown key that is itself "" may name an empty field.
          expect(typeof e.field === 'string' && (e.field.length > 0 || e.code === 'unknown_field')).toBe(true);
          expect(typeof e.code === 'string' && e.code.length > 0).toBe(true);
          expect(typeof e.message === 'string' && e.message.length > 0).toBe(true);
          if (e.code === 'required')
            expect(e.field === '(body)' ? value === undefined : !present.has(e.field)).toBe(true);
          if (e.code === 'unknown_field') expect(present.has(e.field)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it('never throws on hand-made Standard Schema issues (symbols, objects and numbers in paths)', () => {
    const segment = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(Symbol('s')),
      fc.record({ key: fc.oneof(fc.string(), fc.integer(), fc.constant(Symbol('k'))) }),
    );
    const issue = fc.record(
      {
        message: fc.string(),
        path: fc.array(segment, { maxLength: 4 }),
        code: fc.constantFrom('invalid_type', 'unrecognized_keys', 'custom', 'too_big'),
        keys: fc.array(fc.string(), { maxLength: 30 }),
      },
      { requiredKeys: ['message'] },
    );
    fc.assert(
      fc.property(fc.array(issue, { maxLength: 80 }), (issues) => {
        const errors = issuesToFieldErrors(issues);
        expect(errors.length).toBeLessThanOrEqual(50 * 20);
        expect(errors.every((e) => typeof e.field === 'string' && typeof e.code === 'string')).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
