import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type Res, type TestApp } from '../setup/app.js';
import { PASSWORD, registerUser } from '../factories/user.factory.js';

// Small backstop numbers so the per-identifier delay shows within a test; the per-address lock keeps the
// default threshold (5). The per-account Redis bucket is on again (the suite turns it off): above the 20
// parallel attempts below, so that all of them reach the database, and below the hammering of the first
// test, which shows that it must not become a way to lock the owner out either.
const THRESHOLD = 5;
const BACKSTOP_FREE = 10;
const ACCOUNT_BUCKET = 25;
const DELAY_SECONDS = 4;
let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp({
    LOCKOUT_THRESHOLD: String(THRESHOLD),
    LOGIN_BACKSTOP_FREE_FAILURES: String(BACKSTOP_FREE),
    // Long enough that two back-to-back requests on a loaded machine still fall inside one delay.
    LOGIN_BACKSTOP_BASE_DELAY_SECONDS: String(DELAY_SECONDS),
    LOGIN_BACKSTOP_MAX_DELAY_SECONDS: String(DELAY_SECONDS),
    RATE_LIMIT_LOGIN_PER_ACCOUNT: String(ACCOUNT_BUCKET),
  });
});
afterAll(async () => {
  await t.close();
});

let ipSeq = 0;
/** A client address no other test uses. */
const newIp = () => `198.51.100.${++ipSeq}`;
const login = (identifier: string, ip: string, password = 'Wrong-Password-99'): Promise<Res> =>
  t.http.request('POST', '/v1/auth/login', { body: { identifier, password }, remoteAddress: ip });
const statuses = (results: Res[]) => results.map((r) => r.status).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('login throttling an attacker cannot turn against the owner', () => {
  it('an attacker hammering the victim identifier from IP A does not stop the victim logging in from IP B', async () => {
    const victim = await registerUser(t);
    const attacker = newIp();
    const attempts: Res[] = [];
    for (let i = 0; i < ACCOUNT_BUCKET + 5; i++) attempts.push(await login(victim.input.email, attacker));
    expect(attempts.slice(0, THRESHOLD).map((r) => r.status)).toEqual(Array(THRESHOLD).fill(401));
    // Refused by the identifier + address lock, then by the Redis bucket of the same pair as well.
    expect(new Set(attempts.slice(THRESHOLD).map((r) => r.status))).toEqual(new Set([423, 429]));
    // Even the right password is refused from the attacker's address until the lock passes.
    expect([423, 429]).toContain((await login(victim.input.email, attacker, PASSWORD)).status);
    const owner = await login(victim.input.email, newIp(), PASSWORD);
    expect(owner.status).toBe(200);
    expect(owner.body.user.id).toBe(victim.user.id);
  });

  it('20 parallel wrong passwords from one identifier + IP: exactly THRESHOLD are evaluated, the rest are refused', async () => {
    const victim = await registerUser(t);
    const ip = newIp();
    const results = await Promise.all(Array.from({ length: 20 }, () => login(victim.input.email, ip)));
    expect(statuses(results)).toEqual([...Array(THRESHOLD).fill(401), ...Array(20 - THRESHOLD).fill(423)]);
    const locked = results.find((r) => r.status === 423)!;
    expect(locked.body.code).toBe('auth/account-locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Exactly one lockout is audited for the account.
    const { rows } = (await t.database.db.execute(
      sql`select count(*)::int as n from audit_log where action = 'auth.lockout' and subject_id = ${victim.user.id}`,
    )) as unknown as { rows: { n: number }[] };
    expect(rows[0].n).toBe(1);
  });

  it('an unknown identifier is throttled exactly like a known one (no account enumeration)', async () => {
    const known = await registerUser(t);
    const ip = newIp();
    const ghost = `ghost-${Date.now()}@example.test`;
    const a = await Promise.all(Array.from({ length: 8 }, () => login(known.input.email, ip)));
    const b = await Promise.all(Array.from({ length: 8 }, () => login(ghost, ip)));
    expect(statuses(a)).toEqual(statuses(b));
    // The wait left differs by the time between the two runs, nothing else may.
    const body = (r: Res) => ({ ...r.body, requestId: 0, retryAfterSeconds: r.body.retryAfterSeconds > 0 });
    expect(body(a.find((r) => r.status === 401)!)).toEqual(body(b.find((r) => r.status === 401)!));
    expect(body(a.find((r) => r.status === 423)!)).toEqual(body(b.find((r) => r.status === 423)!));
  });

  it('a correct password resets the identifier + IP counter', async () => {
    const u = await registerUser(t);
    const ip = newIp();
    for (let i = 0; i < THRESHOLD - 1; i++) expect((await login(u.input.phone, ip)).status).toBe(401);
    expect((await login(u.input.phone, ip, PASSWORD)).status).toBe(200);
    for (let i = 0; i < THRESHOLD; i++) expect((await login(u.input.phone, ip)).status).toBe(401);
    expect((await login(u.input.phone, ip, PASSWORD)).status).toBe(423);
  });

  it('failures spread over many addresses meet a growing per-identifier delay (429 + Retry-After) that the owner waits out', async () => {
    const victim = await registerUser(t);
    // Botnet: each address stays under the per-address threshold; together they pass the free allowance.
    for (let i = 0; i < BACKSTOP_FREE; i++) expect((await login(victim.input.email, newIp())).status).toBe(401);
    expect((await login(victim.input.email, newIp())).status).toBe(401); // first delayed attempt: allowed now
    const slowed = await login(victim.input.email, newIp());
    expect(slowed.status).toBe(429);
    expect(slowed.body.code).toBe('auth/login-throttled');
    const wait = Number(slowed.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(DELAY_SECONDS);
    // The same for an identifier that has no account.
    const ghost = `ghost-bot-${Date.now()}@example.test`;
    for (let i = 0; i <= BACKSTOP_FREE; i++) expect((await login(ghost, newIp())).status).toBe(401);
    const ghostSlowed = await login(ghost, newIp());
    expect({ ...ghostSlowed.body, requestId: 0 }).toEqual({ ...slowed.body, requestId: 0 });
    // The owner is slowed, never locked out: once the interval has passed the right password works.
    const ownerIp = newIp();
    await sleep(wait * 1000 + 100);
    const owner = await login(victim.input.email, ownerIp, PASSWORD);
    expect(owner.status).toBe(200);
  });
});
