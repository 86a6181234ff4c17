import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { registerUser } from '../factories/user.factory.js';

// A one-second grace window, so "after the window" is a short sleep away (the default is 10 s).
const GRACE_SECONDS = 1;
let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp({ REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS) });
});
afterAll(async () => {
  await t.close();
});

const refresh = (refreshToken: string) => t.http.post('/v1/auth/refresh', { refreshToken });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('refresh token grace window (two tabs refreshing at once)', () => {
  it('two parallel refreshes with the same token both succeed with the same new refresh token, and nobody is logged out', async () => {
    const u = await registerUser(t);
    const [a, b] = await Promise.all([refresh(u.refreshToken), refresh(u.refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refreshToken).toBe(b.body.refreshToken);
    expect(a.body.refreshToken).not.toBe(u.refreshToken);
    // Both tabs' access tokens belong to the live session.
    expect((await t.http.get('/v1/me', a.body.accessToken)).status).toBe(200);
    expect((await t.http.get('/v1/me', b.body.accessToken)).status).toBe(200);
    // And the shared successor rotates on as usual.
    const next = await refresh(a.body.refreshToken);
    expect(next.status).toBe(200);
    expect((await t.http.get('/v1/me', next.body.accessToken)).status).toBe(200);
    // One session, one live token.
    const { rows } = (await t.database.db.execute(
      sql`select count(*) filter (where rt.rotated_at is null)::int as live, count(distinct s.id)::int as sessions
          from sessions s join refresh_tokens rt on rt.session_id = s.id where s.user_id = ${u.user.id}`,
    )) as unknown as { rows: { live: number; sessions: number }[] };
    expect(rows[0]).toEqual({ live: 1, sessions: 1 });
  });

  it('ten racing refreshes with one token all get the same pair of the same session', async () => {
    const u = await registerUser(t);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(u.refreshToken)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(1);
    expect((await refresh(results[0].body.refreshToken)).status).toBe(200);
  });

  it('a replay of the rotated token after the window still ends the family (the live token fails too)', async () => {
    const u = await registerUser(t);
    const rotated = await refresh(u.refreshToken);
    expect(rotated.status).toBe(200);
    await sleep(GRACE_SECONDS * 1000 + 200);
    const replay = await refresh(u.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('auth/refresh-token-reused');
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
    expect((await t.http.get('/v1/me', rotated.body.accessToken)).status).toBe(401);
  });

  it('within the window, a token whose successor has rotated again is a replay, and a logged-out session stays out', async () => {
    const u = await registerUser(t);
    const r1 = await refresh(u.refreshToken);
    const r2 = await refresh(r1.body.refreshToken);
    expect(r2.status).toBe(200);
    const replay = await refresh(u.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('auth/refresh-token-reused');
    expect((await refresh(r2.body.refreshToken)).status).toBe(401);

    const v = await registerUser(t);
    const v1 = await refresh(v.refreshToken);
    expect((await t.http.post('/v1/auth/logout', {}, v1.body.accessToken)).status).toBe(200);
    expect((await refresh(v.refreshToken)).status).toBe(401);
    expect((await refresh(v1.body.refreshToken)).status).toBe(401);
  });
});
