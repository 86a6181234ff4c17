import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type Res, type TestApp } from '../setup/app.js';
import { registerUser } from '../factories/user.factory.js';
import { calls, KernelFixtureModule } from '../fixtures/kernel-fixture.module.js';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await bootTestApp({}, [KernelFixtureModule]);
  token = (await registerUser(t)).accessToken;
});
afterAll(async () => {
  await t.close();
});

const transfer = (ref: string, amountMinor: number, key?: string, tok = token) =>
  t.http.request('POST', `/v1/test-fixture/transfers/${ref}`, {
    body: { amountMinor },
    token: tok,
    headers: key ? { 'idempotency-key': key } : {},
  });

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, without running the handler again', async () => {
    const before = calls.count;
    const first = await transfer('a', 500, 'key-aaaaaaaa-1');
    const again = await transfer('a', 500, 'key-aaaaaaaa-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(calls.count).toBe(before + 1);
    // The response is cut down to its schema.
    expect(first.body).not.toHaveProperty('internal');
  });

  it('answers 409 when the key is reused with another body, and scopes keys per user', async () => {
    await transfer('b', 100, 'key-bbbbbbbb-1');
    const other = await transfer('b', 200, 'key-bbbbbbbb-1');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('common/idempotency-key-reused');
    const someoneElse = (await registerUser(t)).accessToken;
    expect((await transfer('b', 200, 'key-bbbbbbbb-1', someoneElse)).status).toBe(201);
  });

  it('runs the handler once for parallel requests with one key', async () => {
    const before = calls.count;
    const results = await Promise.all(Array.from({ length: 8 }, () => transfer('c', 700, 'key-cccccccc-1')));
    expect(calls.count).toBe(before + 1);
    for (const r of results) expect([201, 409]).toContain(r.status);
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
  });

  it('frees the key when the first attempt failed, and validates the key format', async () => {
    expect((await transfer('d', 13, 'key-dddddddd-1')).status).toBe(409);
    expect((await transfer('d', 13, 'key-dddddddd-1')).body.code).toBe('test/unlucky');
    expect((await transfer('e', 1, 'short')).status).toBe(400);
    const before = calls.count;
    await transfer('f', 1);
    await transfer('f', 1);
    expect(calls.count).toBe(before + 2);
  });
});

describe('cursor pagination', () => {
  it('walks every item once with limit and an opaque cursor', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: Res = await t.http.get(`/v1/test-fixture/numbers?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { n: number }) => i.n));
      expect(res.body.items[0]).not.toHaveProperty('secret');
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect((await t.http.get('/v1/test-fixture/numbers')).body.items).toHaveLength(20);
    expect((await t.http.get('/v1/test-fixture/numbers?limit=101')).status).toBe(400);
    expect((await t.http.get('/v1/test-fixture/numbers?limit=0')).status).toBe(400);
    expect((await t.http.get('/v1/test-fixture/numbers?cursor=bm9wZQ')).body.code).toBe('common/invalid-cursor');
  });
});

describe('errors', () => {
  it('answers an unexpected error with a bare 500 problem: no message, SQL or paths', async () => {
    const res = await t.http.get('/v1/test-fixture/boom');
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('common/internal');
    expect(JSON.stringify(res.body)).not.toMatch(/SELECT|internals|\/srv|stack/);
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers unknown routes with a 404 problem and sets security headers', async () => {
    const res = await t.http.get('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('common/route-not-found');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['content-security-policy']).toBeDefined();
  });
});

describe('methods', () => {
  it('answers a known path with a wrong method 405 and Allow', async () => {
    const res = await t.http.request('DELETE', '/v1/me');
    expect(res.status).toBe(405);
    expect(res.body.code).toBe('common/method-not-allowed');
    expect(String(res.headers.allow).split(', ').sort()).toEqual(['GET', 'HEAD', 'PATCH']);
    const put = await t.http.request('PUT', '/v1/auth/login', { body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('POST');
  });
});
