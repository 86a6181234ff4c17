import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { PASSWORD, registerUser } from '../factories/user.factory.js';
import { FLUSH_MS } from '../../src/kernel/http/rate-limiter.service.js';
import { RedisService } from '../../src/kernel/redis/index.js';

const login = (t: TestApp, identifier: string, password = 'Wrong-Password-1') =>
  t.http.post('/v1/auth/login', { identifier, password });

describe('rate limits with Redis, shared by every node', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const shared = {
      REDIS_KEY_PREFIX: `rl-${Date.now()}:`,
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '4',
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      RATE_LIMIT_DEFAULT: '6',
      LOCKOUT_THRESHOLD: '100',
    };
    a = await bootTestApp(shared);
    b = await bootTestApp(shared);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('limits logins per account across two API nodes and answers 429 with Retry-After', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(i % 2 ? a : b, 'victim@example.test')).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const limited = await login(a, 'VICTIM@example.test');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('common/rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(b, 'victim@example.test')).status).toBe(429);
    // Another account from the same IP is not affected.
    expect((await login(a, 'bystander@example.test')).status).toBe(401);
  });

  it('limits other routes per user (authenticated) or per IP', async () => {
    const u = await registerUser(a);
    const results = [];
    for (let i = 0; i < 7; i++) results.push((await (i % 2 ? a : b).http.get('/v1/me', u.accessToken)).status);
    expect(results.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(results[6]).toBe(429);
  });

  it('reports Redis up in /health/ready', async () => {
    const res = await a.http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    expect((await a.http.get('/health/live')).status).toBe(200);
  });
});

describe('the general limit, counted ahead on each node and sent to Redis in batches', () => {
  const LIMIT = 200;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const shared = { REDIS_KEY_PREFIX: `rlb-${Date.now()}:`, RATE_LIMIT_DEFAULT: String(LIMIT) };
    a = await bootTestApp(shared);
    b = await bootTestApp(shared);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });
  const counted = async (userId: string) =>
    Number(await a.app.get(RedisService).client!.get(`${a.app.get(RedisService).prefix}rl:gen:u:${userId}`));
  const reads = (n: number, token: string, from = 0) =>
    Promise.all(Array.from({ length: n }, (_, i) => ((from + i) % 2 ? a : b).http.get('/v1/me', token)));

  it('loses and doubles no hit: after a flush Redis holds every node’s count', async () => {
    const u = await registerUser(a);
    const first = await reads(60, u.accessToken);
    expect(first.every((r) => r.status === 200)).toBe(true);
    // Under half the limit nothing waited for Redis; the remaining header still counts down on each node.
    expect(first.map((r) => Number(r.headers['ratelimit-remaining'])).every((n) => n >= LIMIT - 60)).toBe(true);
    await new Promise((r) => setTimeout(r, 4 * FLUSH_MS));
    expect(await counted(u.user.id)).toBe(60);
  });

  it('past half the limit counts every hit in Redis: across two nodes exactly LIMIT are answered', async () => {
    const u = await registerUser(a);
    const early = await reads(LIMIT / 2 + 10, u.accessToken);
    await new Promise((r) => setTimeout(r, 4 * FLUSH_MS)); // both nodes have sent theirs and know the count
    const late = await reads(LIMIT / 2, u.accessToken, 1);
    const statuses = [...early, ...late].map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    expect(await counted(u.user.id)).toBe(LIMIT + 10);
  });

  it('a node that has not seen the key yet asks Redis before counting ahead', async () => {
    const u = await registerUser(a);
    for (let i = 0; i < 150; i++) expect((await b.http.get('/v1/me', u.accessToken)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 4 * FLUSH_MS));
    // Node a starts from node b's 150, not from 0: 50 more are answered, the rest refused.
    const statuses = (await Promise.all(Array.from({ length: 120 }, () => a.http.get('/v1/me', u.accessToken)))).map(
      (r) => r.status,
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT - 150);
    expect(statuses.filter((s) => s === 429)).toHaveLength(120 - (LIMIT - 150));
  });
});

describe('session revocation reaches every node at once', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const shared = { REDIS_KEY_PREFIX: `inv-${Date.now()}:` };
    a = await bootTestApp(shared);
    b = await bootTestApp(shared);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('a logout on node B makes node A (which cached the session) refuse the token', async () => {
    const u = await registerUser(a);
    expect((await a.http.get('/v1/me', u.accessToken)).status).toBe(200);
    expect((await b.http.get('/v1/me', u.accessToken)).status).toBe(200);
    expect((await b.http.post('/v1/auth/logout', {}, u.accessToken)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100)); // pub/sub delivery
    expect((await a.http.get('/v1/me', u.accessToken)).status).toBe(401);
  });
});

describe('with Redis unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({
      REDIS_URL: 'redis://127.0.0.1:1/0',
      RATE_LIMIT_DEFAULT: '5',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps serving: logins, session checks from the database, immediate revocation', async () => {
    const u = await registerUser(t);
    expect((await t.http.post('/v1/auth/login', { identifier: u.input.email, password: PASSWORD })).status).toBe(200);
    expect((await t.http.get('/v1/me', u.accessToken)).status).toBe(200);
    expect((await t.http.post('/v1/auth/logout', {}, u.accessToken)).status).toBe(200);
    expect((await t.http.get('/v1/me', u.accessToken)).status).toBe(401);
  });

  it('falls back to in-process rate limits (never unlimited)', async () => {
    const u = await registerUser(t);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.http.get('/v1/me', u.accessToken)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
  });

  it('reports degraded in /health/ready, still answering 200', async () => {
    const res = await t.http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'degraded', checks: { database: 'up', redis: 'down' } });
  });
});
