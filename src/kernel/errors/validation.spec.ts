import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { issuesToFieldErrors, validationExceptionFactory } from './validation.js';

const body = z.strictObject({
  name: z.string().min(2),
  age: z.number().int(),
  email: z.email().optional(),
  address: z.strictObject({ city: z.string() }).optional(),
  tags: z.array(z.string()).optional(),
});

/** Validates through the Standard Schema interface, as Nest's pipe does. */
async function issuesOf(input: unknown) {
  const result = await body['~standard'].validate(input);
  if (!result.issues) throw new Error('expected the input to be invalid');
  return result.issues;
}

describe('issuesToFieldErrors', () => {
  it('reports one unknown_field per unknown key, with its path', async () => {
    const errors = issuesToFieldErrors(
      await issuesOf({ name: 'Mona', age: 30, role: 'admin', isAdmin: true, address: { city: 'Giza', zip: 1 } }),
    );
    expect(errors).toEqual([
      { field: 'address.zip', code: 'unknown_field', message: 'is not allowed' },
      { field: 'role', code: 'unknown_field', message: 'is not allowed' },
      { field: 'isAdmin', code: 'unknown_field', message: 'is not allowed' },
    ]);
  });

  it('reports a missing field as required', async () => {
    const errors = issuesToFieldErrors(await issuesOf({ age: 30 }));
    expect(errors).toEqual([{ field: 'name', code: 'required', message: 'is required' }]);
  });

  it('reports a wrong type as invalid_type, also for null', async () => {
    const errors = issuesToFieldErrors(await issuesOf({ name: 'Mona', age: '30' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ field: 'age', code: 'invalid_type' });
    expect(errors[0].message).toMatch(/expected number/);
    expect(issuesToFieldErrors(await issuesOf({ name: null, age: 1 }))[0]).toMatchObject({
      field: 'name',
      code: 'invalid_type',
    });
  });

  it('keeps zod codes for other problems, with nested and array paths', async () => {
    const errors = issuesToFieldErrors(await issuesOf({ name: 'M', age: 1.5, email: 'nope', tags: ['ok', 3] }));
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['name', 'too_small'],
      ['age', 'invalid_type'],
      ['email', 'invalid_format'],
      ['tags.1', 'invalid_type'],
    ]);
  });

  it('names the body itself when the whole input is wrong', async () => {
    expect(issuesToFieldErrors(await issuesOf('not an object'))).toEqual([
      { field: '(body)', code: 'invalid_type', message: expect.stringMatching(/expected object/) },
    ]);
    expect(issuesToFieldErrors(await issuesOf(undefined))).toEqual([
      { field: '(body)', code: 'required', message: 'is required' },
    ]);
  });

  it('defaults a code-less issue to invalid_value and accepts path segments as objects', () => {
    expect(issuesToFieldErrors([{ message: 'bad', path: [{ key: 'items' }, { key: 0 }, 'qty'] }])).toEqual([
      { field: 'items.0.qty', code: 'invalid_value', message: 'bad' },
    ]);
  });

  it('caps the number of errors it reports', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ message: 'bad', path: [`f${i}`] }));
    expect(issuesToFieldErrors(many)).toHaveLength(50);
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    expect(issuesToFieldErrors([{ code: 'unrecognized_keys', keys, message: 'x', path: [] } as never])).toHaveLength(
      20,
    );
  });
});

describe('validationExceptionFactory', () => {
  it('wraps the field errors in a common/validation-failed AppError', async () => {
    const err = validationExceptionFactory(await issuesOf({ age: 1 }));
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ kind: 'validation', code: 'common/validation-failed', status: 400 });
    expect(err.details.errors).toEqual([{ field: 'name', code: 'required', message: 'is required' }]);
  });
});
