import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENT_MESSAGES, type SentMessages } from '../../src/kernel/messaging/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { buildUser, PASSWORD, registerUser, registerVerifiedUser } from '../factories/user.factory.js';

let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('register', () => {
  it('creates a customer and answers the token response', async () => {
    const input = buildUser({ locale: 'ar' });
    const res = await t.http.post('/v1/auth/register', input);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    expect(res.body.user).toMatchObject({
      type: 'customer',
      email: input.email,
      phone: input.phone,
      locale: 'ar',
      status: 'active',
      roles: ['customer'],
    });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    const me = await t.http.get('/v1/me', res.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: res.body.user.id, type: 'customer', name: input.name, locale: 'ar' });
  });

  it('starts a doctor as pending_approval', async () => {
    const res = await t.http.post('/v1/auth/register', buildUser({ type: 'doctor' }));
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ type: 'doctor', status: 'pending_approval', roles: ['doctor'] });
  });

  it('refuses a taken email or phone without saying which, and refuses weak or common passwords', async () => {
    const first = await registerUser(t);
    const dupEmail = await t.http.post('/v1/auth/register', buildUser({ email: first.input.email.toUpperCase() }));
    const dupPhone = await t.http.post('/v1/auth/register', buildUser({ phone: first.input.phone }));
    expect(dupEmail.status).toBe(409);
    expect(dupPhone.body.code).toBe(dupEmail.body.code);
    expect(dupPhone.body.detail).toBe(dupEmail.body.detail);
    for (const password of ['short', 'password123', 'qwertyuiop', 'aaaaaaaaaaaa']) {
      const weak = await t.http.post('/v1/auth/register', buildUser({ password }));
      expect(weak.status, password).toBe(400);
      expect(weak.body.code).toBe('auth/weak-password');
    }
  });

  it('rejects extra fields, wrong types and missing fields with field errors, writing nothing', async () => {
    const input = buildUser();
    const extra = await t.http.post('/v1/auth/register', { ...input, roles: ['admin'], priceMinor: 1 });
    expect(extra.status).toBe(400);
    expect(extra.headers['content-type']).toContain('application/problem+json');
    expect(extra.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['priceMinor', 'roles']);
    const proto = await t.http.request('POST', '/v1/auth/register', {
      raw: `{"name":"x","password":"${PASSWORD}","email":"p@x.test","__proto__":{"admin":true}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(proto.status).toBe(400);
    const wrongType = await t.http.post('/v1/auth/register', { ...input, name: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0]).toMatchObject({ field: 'name' });
    const missing = await t.http.post('/v1/auth/register', { name: 'No Contact', password: PASSWORD });
    expect(missing.status).toBe(400);
    const login = await t.http.post('/v1/auth/login', { identifier: input.email, password: PASSWORD });
    expect(login.status).toBe(401);
  });

  it('answers malformed JSON with 400 and oversized bodies with 413', async () => {
    const bad = await t.http.request('POST', '/v1/auth/login', {
      raw: '{"identifier":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('common/malformed-json');
    const huge = await t.http.request('POST', '/v1/auth/register', {
      raw: JSON.stringify({ ...buildUser(), name: 'x'.repeat(2_000_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('common/payload-too-large');
  });
});

describe('login', () => {
  it('logs in by email (any case) or phone, and fails the same way for a wrong password or unknown account', async () => {
    const u = await registerUser(t);
    const byEmail = await t.http.post('/v1/auth/login', {
      identifier: u.input.email.toUpperCase(),
      password: PASSWORD,
    });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.user.id).toBe(u.user.id);
    const byPhone = await t.http.post('/v1/auth/login', { identifier: u.input.phone, password: PASSWORD });
    expect(byPhone.status).toBe(200);
    const wrong = await t.http.post('/v1/auth/login', { identifier: u.input.email, password: 'Wrong-Password-99' });
    const unknown = await t.http.post('/v1/auth/login', {
      identifier: 'nobody-here@example.test',
      password: 'Wrong-Password-99',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect({ ...wrong.body, requestId: 0 }).toEqual({ ...unknown.body, requestId: 0 });
  });

  it('locks an identifier at one address after repeated failures, the same for unknown accounts, and audits it', async () => {
    const u = await registerUser(t);
    const attempt = (identifier: string, password = 'Wrong-Password-99') =>
      t.http.post('/v1/auth/login', { identifier, password });
    for (let i = 0; i < 5; i++) expect((await attempt(u.input.email)).status).toBe(401);
    const locked = await attempt(u.input.email, PASSWORD);
    expect(locked.status).toBe(423);
    expect(locked.body.code).toBe('auth/account-locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) await attempt('ghost-account@example.test');
    const ghost = await attempt('ghost-account@example.test');
    expect(ghost.status).toBe(423);
    expect(ghost.body.code).toBe(locked.body.code);
    const { rows } = (await t.database.db.execute<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'auth.lockout' and subject_id = '${u.user.id}'` as never,
    )) as unknown as { rows: { n: number }[] };
    expect(rows[0].n).toBe(1);
  });

  it('lets 200 different users log in in parallel, locking out no one', async () => {
    const users: Awaited<ReturnType<typeof registerUser>>[] = [];
    for (let i = 0; i < 10; i++) users.push(...(await Promise.all(Array.from({ length: 20 }, () => registerUser(t)))));
    const results = await Promise.all(
      users.map((u) => t.http.post('/v1/auth/login', { identifier: u.input.email, password: PASSWORD })),
    );
    expect(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.code}`)).toEqual([]);
    expect(new Set(results.map((r) => r.body.user.id)).size).toBe(200);
  });
});

describe('refresh tokens', () => {
  it('rotates on every use, and a reused token ends the whole family', async () => {
    const u = await registerUser(t);
    const r1 = await t.http.post('/v1/auth/refresh', { refreshToken: u.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(u.refreshToken);
    const r2 = await t.http.post('/v1/auth/refresh', { refreshToken: r1.body.refreshToken });
    expect(r2.status).toBe(200);
    // Replaying the first token: its successor has rotated again, so the grace window (two tabs racing)
    // does not apply, however soon after.
    const replay = await t.http.post('/v1/auth/refresh', { refreshToken: u.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('auth/refresh-token-reused');
    // The family is gone: the newest refresh token and its access token no longer work.
    expect((await t.http.post('/v1/auth/refresh', { refreshToken: r2.body.refreshToken })).status).toBe(401);
    expect((await t.http.get('/v1/me', r2.body.accessToken)).status).toBe(401);
  });

  it('rotates once for many concurrent refreshes with one token: all get the same successor, one live token', async () => {
    const u = await registerUser(t);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.http.post('/v1/auth/refresh', { refreshToken: u.refreshToken })),
    );
    // One rotation wins; the others fall in the grace window and are given the winner's refresh token.
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(1);
    const { rows } = (await t.database.db.execute(
      `select s.id, count(rt.*) filter (where rt.rotated_at is null)::int as live from sessions s join refresh_tokens rt on rt.session_id = s.id where s.user_id = '${u.user.id}' group by s.id` as never,
    )) as unknown as { rows: { live: number }[] };
    for (const r of rows) expect(r.live).toBeLessThanOrEqual(1);
  });

  it('refuses unknown refresh tokens', async () => {
    const res = await t.http.post('/v1/auth/refresh', { refreshToken: 'not-a-real-token-at-all' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth/invalid-refresh-token');
  });
});

describe('logout', () => {
  it('logout ends this session only; logout-all ends every session at once', async () => {
    const u = await registerUser(t);
    const second = await t.http.post('/v1/auth/login', { identifier: u.input.email, password: PASSWORD });
    expect((await t.http.post('/v1/auth/logout', {}, u.accessToken)).status).toBe(200);
    expect((await t.http.get('/v1/me', u.accessToken)).status).toBe(401);
    expect((await t.http.post('/v1/auth/refresh', { refreshToken: u.refreshToken })).status).toBe(401);
    expect((await t.http.get('/v1/me', second.body.accessToken)).status).toBe(200);
    const third = await t.http.post('/v1/auth/login', { identifier: u.input.email, password: PASSWORD });
    expect((await t.http.post('/v1/auth/logout-all', undefined, second.body.accessToken)).status).toBe(200);
    expect((await t.http.get('/v1/me', second.body.accessToken)).status).toBe(401);
    expect((await t.http.get('/v1/me', third.body.accessToken)).status).toBe(401);
    expect((await t.http.post('/v1/auth/refresh', { refreshToken: third.body.refreshToken })).status).toBe(401);
  });
});

describe('one-time codes', () => {
  const sent = () => t.app.get<SentMessages>(SENT_MESSAGES as never);
  const codeIn = (text: string | undefined) => text?.match(/\b(\d{6})\b/)?.[1];

  it('verifies a phone with the SMS code; wrong codes count attempts and a code works once', async () => {
    const u = await registerUser(t);
    const req = await t.http.post('/v1/auth/otp/request', { phone: u.input.phone });
    expect(req.status).toBe(202);
    const code = codeIn(sent().lastSmsTo(u.input.phone)?.text)!;
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '000001' : '000000';
    const bad = await t.http.post('/v1/auth/otp/verify', { phone: u.input.phone, code: wrong });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('auth/invalid-code');
    expect((await t.http.post('/v1/auth/otp/verify', { phone: u.input.phone, code })).status).toBe(200);
    expect((await t.http.get('/v1/me', u.accessToken)).body.user.phoneVerified).toBe(true);
    expect((await t.http.post('/v1/auth/otp/verify', { phone: u.input.phone, code })).status).toBe(400);
  });

  it('burns a code after 5 wrong attempts', async () => {
    const u = await registerUser(t);
    await t.http.post('/v1/auth/otp/request', { phone: u.input.phone });
    const code = codeIn(sent().lastSmsTo(u.input.phone)?.text)!;
    const wrong = code === '111111' ? '222222' : '111111';
    for (let i = 0; i < 5; i++) await t.http.post('/v1/auth/otp/verify', { phone: u.input.phone, code: wrong });
    expect((await t.http.post('/v1/auth/otp/verify', { phone: u.input.phone, code })).status).toBe(400);
  });

  it('answers forgot-password the same for unknown accounts, and a reset code sets a new password and ends sessions', async () => {
    // Reset codes go only to a verified contact (account-recovery.e2e.spec.ts covers an unverified one).
    const u = await registerVerifiedUser(t, { locale: 'ar' });
    const known = await t.http.post('/v1/auth/password/forgot', { identifier: u.input.email });
    const unknown = await t.http.post('/v1/auth/password/forgot', { identifier: 'nobody-else@example.test' });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
    const mail = sent().lastEmailTo(u.input.email)!;
    expect(mail.subject).toBe('إعادة تعيين كلمة المرور');
    const code = codeIn(mail.text)!;
    const weak = await t.http.post('/v1/auth/password/reset', {
      identifier: u.input.email,
      code,
      newPassword: 'password',
    });
    expect(weak.status).toBe(400);
    const newPassword = 'Brand-New-Secret-77';
    const ok = await t.http.post('/v1/auth/password/reset', { identifier: u.input.email, code, newPassword });
    expect(ok.status).toBe(200);
    expect((await t.http.get('/v1/me', u.accessToken)).status).toBe(401);
    expect((await t.http.post('/v1/auth/login', { identifier: u.input.email, password: PASSWORD })).status).toBe(401);
    expect((await t.http.post('/v1/auth/login', { identifier: u.input.email, password: newPassword })).status).toBe(
      200,
    );
    expect(
      (await t.http.post('/v1/auth/password/reset', { identifier: 'nobody-else@example.test', code, newPassword }))
        .status,
    ).toBe(400);
  });
});

describe('bodiless POSTs', () => {
  it('accepts an empty body sent as application/json, but not a body that is only whitespace-wrapped garbage', async () => {
    const u = await registerUser(t);
    const res = await t.http.request('POST', '/v1/auth/logout', {
      raw: '',
      token: u.accessToken,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const empty = await t.http.request('POST', '/v1/auth/login', {
      raw: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].field).toBe('(body)');
    const ctor = await t.http.request('POST', '/v1/auth/login', {
      raw: '{"identifier":"a@b.test","password":"x","constructor":{"prototype":{"admin":true}}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(ctor.status).toBe(400);
  });
});

describe('invariants', () => {
  it('hold after the concurrency tests above (test/invariants.sql)', async () => {
    expect(await invariantViolations(t.database)).toEqual([]);
  });
});
