import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, validationExceptionFactory } from '../errors/index.js';
import { InputPipe, unstorableText } from './input.pipe.js';

const SEED = 20_240_611;
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const bad = (s: string) => s.includes('\u0000') || LONE.test(s);

/** Every string in a value, keys included. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (v !== null && typeof v === 'object')
    for (const [k, c] of Object.entries(v)) {
      out.push(k);
      strings(c, out);
    }
  return out;
}

describe('unstorableText', () => {
  it('finds NUL and unpaired surrogates wherever they are (keys too), and nothing else', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('a\u0000', '\uDC00', '💊'));
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.array(fc.tuple(fc.array(text, { maxLength: 3 }), text)),
        (v, extra) => {
          const value = { v, extra: Object.fromEntries(extra.map(([path, s]) => [path.join(''), s])) };
          const found = unstorableText(value, '');
          expect(found.length > 0).toBe(strings(value).some(bad));
          expect(found.length).toBeLessThanOrEqual(20);
          expect(found.every((f) => f.code === 'invalid_characters')).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('names the field, and walks a value nested 10,000 deep without recursion', () => {
    expect(unstorableText({ user: { name: 'a\u0000b' } }, '')).toEqual([
      { field: 'user.name', code: 'invalid_characters', message: 'contains a NUL character' },
    ]);
    expect(unstorableText('\uD800', 'id')[0].field).toBe('id');
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(unstorableText(deep, '')).toHaveLength(1);
  });
});

describe('InputPipe', () => {
  const pipe = new InputPipe({ transform: true, exceptionFactory: validationExceptionFactory });
  const schema = z.strictObject({ name: z.string() });

  it('refuses unstorable text before validating, and validates as before otherwise', async () => {
    await expect(pipe.transform({ name: 'a\u0000' }, { type: 'body', schema } as never)).rejects.toMatchObject({
      code: 'common/validation-failed',
      details: { errors: [{ field: 'name', code: 'invalid_characters' }] },
    });
    await expect(pipe.transform({ name: 'Mona' }, { type: 'body', schema } as never)).resolves.toEqual({
      name: 'Mona',
    });
    await expect(pipe.transform({ name: 1 }, { type: 'body', schema } as never)).rejects.toBeInstanceOf(AppError);
    // Custom decorators (the actor, request metadata) are the server's own values: not checked.
    await expect(pipe.transform('a\u0000', { type: 'custom' } as never)).resolves.toBe('a\u0000');
  });
});
