import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positional } from '../support/positional-sql.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { registerUser } from '../factories/user.factory.js';
import { JobQueue } from '../../src/kernel/queue/index.js';

/**
 * auth.prune-expired keeps the identity tables to what still has a use: used and expired one-time codes,
 * sessions that ended (revoked, or every refresh token gone) a week ago, and login throttles idle a week
 * go; live codes, live sessions and current throttles stay.
 */
let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp();
});
afterAll(async () => {
  await t.close();
});

async function exec<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  const res = (await t.database.db.execute(positional(query, params))) as unknown as { rows: T[] };
  return res.rows;
}
const count = async (query: string, params: unknown[]) =>
  Number((await exec<{ n: string }>(`select count(*)::int as n from ${query}`, params))[0]!.n);

async function prune(): Promise<void> {
  await t.app.get(JobQueue).enqueue('auth.prune-expired', {});
}

describe('auth.prune-expired', () => {
  it('removes used and expired codes and keeps the live one', async () => {
    const { user } = await registerUser(t);
    // Registration may have sent a verification code: start from none.
    await exec(`delete from one_time_codes where user_id = $1`, [user.id]);
    const insert = (purpose: string, expires: string, consumed: string | null) =>
      exec(
        `insert into one_time_codes (id, user_id, purpose, code_hash, expires_at, consumed_at)
         values ($1, $2, $3, 'h', now() + $4::interval, now() + $5::interval)`,
        [randomUUID(), user.id, purpose, expires, consumed],
      );
    await insert('password_reset', '-1 hour', null); // expired
    await insert('password_reset', '10 minutes', '-1 minute'); // used, not yet expired
    await insert('phone_verification', '10 minutes', null); // live
    await prune();
    await expect.poll(() => count(`one_time_codes where user_id = $1`, [user.id]), { timeout: 5_000 }).toBe(1);
    const [left] = await exec<{ purpose: string; consumed_at: Date | null }>(
      `select purpose, consumed_at from one_time_codes where user_id = $1`,
      [user.id],
    );
    expect(left).toEqual({ purpose: 'phone_verification', consumed_at: null });
  });

  it('removes sessions that ended a week ago (revoked, or no refresh token left) and keeps live ones', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const c = await registerUser(t);
    const d = await registerUser(t);
    const session = async (userId: string) =>
      (await exec<{ id: string }>(`select id from sessions where user_id = $1`, [userId]))[0]!.id;
    const [revokedOld, expiredOld, revokedRecent, live] = await Promise.all(
      [a, b, c, d].map((u) => session(u.user.id)),
    );
    await exec(`update sessions set revoked_at = now() - interval '8 days' where id = $1`, [revokedOld]);
    await exec(`update sessions set revoked_at = now() - interval '1 day' where id = $1`, [revokedRecent]);
    await exec(`update refresh_tokens set expires_at = now() - interval '8 days' where session_id = $1`, [expiredOld]);
    await exec(`update sessions set last_used_at = now() - interval '38 days' where id = $1`, [expiredOld]);
    await prune();
    const ids = [revokedOld, expiredOld, revokedRecent, live];
    await expect.poll(() => count(`sessions where id = any($1)`, [ids]), { timeout: 5_000 }).toBe(2);
    const left = await exec<{ id: string }>(`select id from sessions where id = any($1)`, [ids]);
    expect(left.map((r) => r.id).sort()).toEqual([revokedRecent, live].sort());
    // The live session still works.
    expect((await t.http.get('/v1/me', d.accessToken)).status).toBe(200);
  });

  it('removes login throttles idle for a week and keeps recent or locked ones', async () => {
    const k = (s: string) => `prune-test:${s}:${randomUUID()}`;
    const idle = k('idle');
    const recent = k('recent');
    const locked = k('locked');
    await exec(
      `insert into login_throttles (key, failures, locked_until, updated_at) values
       ($1, 3, null, now() - interval '8 days'),
       ($2, 3, null, now() - interval '1 hour'),
       ($3, 9, now() + interval '1 day', now() - interval '8 days')`,
      [idle, recent, locked],
    );
    await prune();
    await expect
      .poll(() => count(`login_throttles where key = any($1)`, [[idle, recent, locked]]), { timeout: 5_000 })
      .toBe(2);
    const left = await exec<{ key: string }>(`select key from login_throttles where key = any($1)`, [
      [idle, recent, locked],
    ]);
    expect(left.map((r) => r.key).sort()).toEqual([recent, locked].sort());
  });
});
