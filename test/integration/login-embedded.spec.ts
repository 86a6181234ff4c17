import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, EMBEDDED, type Res, type TestApp } from '../setup/app.js';
import { PASSWORD, registerUser } from '../factories/user.factory.js';

/** The login throttle and refresh-rotation SQL on the embedded engine (PGlite, one connection, no Redis). */
describe('login throttling and refresh rotation on PGlite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({
      ...EMBEDDED,
      LOCKOUT_THRESHOLD: '3',
      LOGIN_BACKSTOP_FREE_FAILURES: '4',
      LOGIN_BACKSTOP_BASE_DELAY_SECONDS: '30',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (identifier: string, ip: string, password = 'Wrong-Password-99'): Promise<Res> =>
    t.http.request('POST', '/v1/auth/login', { body: { identifier, password }, remoteAddress: ip });

  it('holds the per-address threshold exactly under parallel attempts, then slows the identifier everywhere', async () => {
    expect(t.database.kind).toBe('pglite');
    const u = await registerUser(t);
    const burst = await Promise.all(Array.from({ length: 10 }, () => login(u.input.email, '203.0.113.1')));
    expect(burst.map((r) => r.status).sort()).toEqual([401, 401, 401, ...Array(7).fill(423)]);
    // Another address is not locked; the fifth attempt overall is past the free allowance: evaluated now,
    // and it sets the first 30 s delay for the identifier at every address.
    expect((await login(u.input.email, '203.0.113.2')).status).toBe(401);
    expect((await login(u.input.email, '203.0.113.3')).status).toBe(401);
    const slowed = await login(u.input.email, '203.0.113.4', PASSWORD);
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(25);
  });

  it('gives racing refreshes with one token the same successor', async () => {
    const u = await registerUser(t);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => t.http.post('/v1/auth/refresh', { refreshToken: u.refreshToken })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(1);
    expect((await t.http.post('/v1/auth/refresh', { refreshToken: results[0].body.refreshToken })).status).toBe(200);
  });
});
