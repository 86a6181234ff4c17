import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positional } from '../support/positional-sql.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { registerUser } from '../factories/user.factory.js';
import { calls, KernelFixtureModule } from '../fixtures/kernel-fixture.module.js';
import { JobQueue } from '../../src/kernel/queue/index.js';

/**
 * Idempotency keys expire (IDEMPOTENCY_KEY_TTL_HOURS), and a claim left in progress by a process that died
 * is taken over after IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS: before, such a key answered 409 forever.
 */
let t: TestApp;
let user: { accessToken: string; user: { id: string } };
beforeAll(async () => {
  t = await bootTestApp({ IDEMPOTENCY_KEY_TTL_HOURS: '24', IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS: '60' }, [
    KernelFixtureModule,
  ]);
  user = await registerUser(t);
});
afterAll(async () => {
  await t.close();
});

const ROUTE = '/v1/test-fixture/transfers/:ref';
const scopeOf = (userId: string) => `${userId}:POST:${ROUTE}`;
const newKey = () => `key-${randomUUID()}`;
const transfer = (ref: string, amountMinor: number, key: string) =>
  t.http.request('POST', `/v1/test-fixture/transfers/${ref}`, {
    body: { amountMinor },
    token: user.accessToken,
    headers: { 'idempotency-key': key },
  });

async function exec<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  const res = (await t.database.db.execute(positional(query, params))) as unknown as { rows: T[] };
  return res.rows;
}

/** A claim as a process leaves it when it dies between claiming and completing. */
async function abandonedClaim(key: string, secondsAgo: number, hash = 'hash-of-a-request-that-never-finished') {
  await exec(
    `insert into idempotency_keys (scope, key, request_hash, created_at, claimed_at)
     values ($1, $2, $3, now() - make_interval(secs => $4), now() - make_interval(secs => $4))`,
    [scopeOf(user.user.id), key, hash, secondsAgo],
  );
}

describe('idempotency key expiry', () => {
  it('treats a key older than the TTL as new (another body runs instead of 409)', async () => {
    const key = newKey();
    expect((await transfer('exp', 100, key)).status).toBe(201);
    expect((await transfer('exp', 200, key)).status).toBe(409);
    await exec(`update idempotency_keys set created_at = now() - interval '25 hours' where key = $1`, [key]);
    const before = calls.count;
    const again = await transfer('exp', 200, key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(calls.count).toBe(before + 1);
    // Now the new request is what the key replays.
    expect((await transfer('exp', 200, key)).headers['idempotent-replayed']).toBe('true');
  });

  it('still replays a key within the TTL', async () => {
    const key = newKey();
    await transfer('live', 100, key);
    await exec(`update idempotency_keys set created_at = now() - interval '23 hours' where key = $1`, [key]);
    const replay = await transfer('live', 100, key);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });
});

describe('stale in-progress claims', () => {
  it('takes over a claim older than the timeout (its process died)', async () => {
    const key = newKey();
    await abandonedClaim(key, 120);
    const before = calls.count;
    const res = await transfer('stale', 300, key);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(calls.count).toBe(before + 1);
    expect((await transfer('stale', 300, key)).headers['idempotent-replayed']).toBe('true');
  });

  it('does not take over a fresh claim (the first request may still be running)', async () => {
    const key = newKey();
    // The same request as the one below (the interceptor hashes params and body, keys sorted).
    const hash = createHash('sha256').update('{"body":{"amountMinor":300},"params":{"ref":"fresh"}}').digest('hex');
    await abandonedClaim(key, 5, hash);
    const before = calls.count;
    const res = await transfer('fresh', 300, key);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('common/idempotency-in-progress');
    expect(calls.count).toBe(before);
  });

  it('lets exactly one of many concurrent requests take a stale claim over', async () => {
    const key = newKey();
    await abandonedClaim(key, 600);
    const before = calls.count;
    const results = await Promise.all(Array.from({ length: 10 }, () => transfer('race', 400, key)));
    expect(calls.count).toBe(before + 1);
    const ran = results.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
    expect(ran).toHaveLength(1);
    for (const r of results) expect([201, 409]).toContain(r.status);
  });

  it('a slow first owner cannot overwrite or free the key after it was taken over', async () => {
    const key = newKey();
    await abandonedClaim(key, 600);
    const [old] = await exec<{ claim_id: string | null }>(`select claim_id from idempotency_keys where key = $1`, [
      key,
    ]);
    expect((await transfer('late', 500, key)).status).toBe(201);
    // What the first owner would do when it finally finishes: its claim id no longer matches.
    await exec(
      `update idempotency_keys set status_code = 500, response_body = '{}'::jsonb
       where key = $1 and claim_id is not distinct from $2`,
      [key, old?.claim_id ?? null],
    );
    const replay = await transfer('late', 500, key);
    expect(replay.status).toBe(201);
    expect(replay.body.amountMinor).toBe(500);
  });
});

describe('idempotency.prune', () => {
  it('deletes expired keys and keeps live ones', async () => {
    const old = newKey();
    const live = newKey();
    await transfer('prune', 1, old);
    await transfer('prune', 1, live);
    await exec(`update idempotency_keys set created_at = now() - interval '25 hours' where key = $1`, [old]);
    await t.app.get(JobQueue).enqueue('idempotency.prune', {});
    await expect
      .poll(async () => (await exec(`select key from idempotency_keys where key = any($1)`, [[old, live]])).length)
      .toBe(1);
    const left = await exec<{ key: string }>(`select key from idempotency_keys where key = any($1)`, [[old, live]]);
    expect(left.map((r) => r.key)).toEqual([live]);
  });
});
