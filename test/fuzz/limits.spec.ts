import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { filePart, multipartBody, PNG, TEXT } from '../support/multipart.js';

/**
 * Size and shape limits: each oversized or pathological input is refused with a problem+json 4xx, fast.
 * 500 ms is a bound on "refused early" (no deep recursion, no per-element work on 10,000 items), not a
 * benchmark; speed targets live in bench/.
 */
const FAST_MS = 500;
const UPLOAD_LIMIT = 4096;

let t: TestApp;
let admin: { accessToken: string; user: { id: string } };
let staffId: string;
beforeAll(async () => {
  // JSON bodies keep the default 1 MiB limit; uploads get a small one so the test stays light.
  t = await bootTestApp({ UPLOAD_LIMIT_BYTES: String(UPLOAD_LIMIT) });
  admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
  staffId = (await createStaff(t, [{ role: 'support_agent', branchId: null }])).user.id;
});
afterAll(async () => {
  await t?.close();
});

async function timed(
  method: 'GET' | 'POST',
  url: string,
  opts: { raw?: string | Buffer; contentType?: string; token?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.contentType) headers['content-type'] = opts.contentType;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const started = performance.now();
  // Fastify inject directly: these answers are the point, the shared client would refuse undocumented ones.
  const res = await t.app.getHttpAdapter().getInstance().inject({ method, url, headers, payload: opts.raw });
  const ms = performance.now() - started;
  const body = res.body
    ? (JSON.parse(res.body) as { code?: string; status?: number; errors?: { field: string }[] })
    : {};
  return { status: res.statusCode, type: String(res.headers['content-type']), body, ms };
}

function expectRefused(res: Awaited<ReturnType<typeof timed>>, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(res.type).toContain('application/problem+json');
  expect(res.body.status).toBe(status);
  if (code) expect(res.body.code).toBe(code);
  expect(res.ms).toBeLessThan(FAST_MS);
}

const json = (value: unknown) => ({ raw: JSON.stringify(value), contentType: 'application/json' });
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number, leaf: string) => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

describe('JSON bodies', () => {
  it('answers 413 to a body over BODY_LIMIT_BYTES', async () => {
    const body = { identifier: 'someone@example.test', password: 'x'.repeat(1_100_000) };
    expectRefused(await timed('POST', '/v1/auth/login', json(body)), 413, 'common/payload-too-large');
  });

  it.each([
    ['a body that is an array nested 10,000 deep', deepArray(10_000)],
    ['a field nested 10,000 deep', `{"identifier":${deepArray(10_000)},"password":"x"}`],
    ['an object nested 10,000 deep', deepObject(10_000, '1')],
    ['an object nested 10,000 deep with a poisoned key at the bottom', deepObject(10_000, '{"__proto__":{"x":1}}')],
  ])('answers 400 to %s', async (_label, raw) => {
    expectRefused(await timed('POST', '/v1/auth/login', { raw, contentType: 'application/json' }), 400);
  });

  it('answers 400 to 10,000-element arrays in fields', async () => {
    const many = (v: string) => Array.from({ length: 10_000 }, () => v);
    const staff = await timed('POST', '/v1/admin/staff', {
      ...json({
        name: 'Many Roles',
        email: 'many.roles@example.test',
        password: 'Correct-Horse-Battery-42',
        roles: many('admin'),
        branchIds: many('0190a0c8-0000-7000-8000-0000000000b1'),
      }),
      token: admin.accessToken,
    });
    expectRefused(staff, 400, 'common/validation-failed');
    expect(staff.body.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['roles', 'branchIds']));
    const roles = await timed('POST', `/v1/admin/users/${staffId}/roles`, {
      ...json({ add: many('pharmacist') }),
      token: admin.accessToken,
    });
    expectRefused(roles, 400, 'common/validation-failed');
  });
});

describe('query strings', () => {
  it.each(['101', '1000', String(2 ** 31), '1e308', '0', '-1', 'NaN'])('answers 400 to limit=%s', async (limit) => {
    const res = await timed('GET', `/v1/admin/users?limit=${limit}`, { token: admin.accessToken });
    expectRefused(res, 400, 'common/validation-failed');
    expect(new Set(res.body.errors?.map((e) => e.field))).toEqual(new Set(['limit']));
  });

  it('accepts limit=100, the maximum', async () => {
    const res = await timed('GET', '/v1/admin/users?limit=100', { token: admin.accessToken });
    expect(res.status).toBe(200);
  });

  it('answers 400 to a 10 kB search string', async () => {
    const res = await timed('GET', `/v1/admin/users?q=${'a'.repeat(10_240)}`, { token: admin.accessToken });
    expectRefused(res, 400, 'common/validation-failed');
    expect(res.body.errors?.map((e) => e.field)).toEqual(['q']);
  });
});

describe('uploads', () => {
  let customer: { accessToken: string };
  beforeAll(async () => {
    customer = await registerUser(t);
  });
  const upload = (bytes: Buffer, contentType = 'image/png') => {
    const form = multipartBody([filePart(bytes, 'scan.png', contentType)]);
    return timed('POST', '/v1/files', {
      raw: form.payload,
      contentType: form.contentType,
      token: customer.accessToken,
    });
  };

  it('accepts a real image within UPLOAD_LIMIT_BYTES', async () => {
    expect((await upload(Buffer.concat([PNG, Buffer.alloc(UPLOAD_LIMIT - PNG.length)]))).status).toBe(201);
  });

  it('answers 413 to a file over UPLOAD_LIMIT_BYTES', async () => {
    expectRefused(await upload(Buffer.concat([PNG, Buffer.alloc(UPLOAD_LIMIT)])), 413, 'files/too-large');
  });

  it('answers 415 to bytes that are not the declared type', async () => {
    expectRefused(await upload(TEXT, 'image/png'), 415, 'files/type-not-allowed');
  });

  it('answers 400 to a multipart body without a boundary or cut short', async () => {
    const form = multipartBody([filePart(PNG)]);
    const token = customer.accessToken;
    expectRefused(
      await timed('POST', '/v1/files', { raw: form.payload, contentType: 'multipart/form-data', token }),
      400,
    );
    const cut = { raw: form.payload.subarray(0, 100), contentType: form.contentType, token };
    expectRefused(await timed('POST', '/v1/files', cut), 400, 'files/malformed-form');
  });
});
