import { SignJWT, decodeJwt } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONFIG, type Config } from '../../src/config/index.js';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from '../../src/kernel/auth/index.js';
import { RealtimeService } from '../../src/kernel/realtime/index.js';
import { createBranch } from '../factories/inventory.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { connect, disconnected, next, pause, record, refusalOf, urlOf } from './support/realtime.js';

let t: TestApp;
let url: string;
let realtime: RealtimeService;
const open: Socket[] = [];
const track = (s: Socket) => (open.push(s), s);
const geo = () => ({ lat: 22 + Math.random() * 8, lng: 25 + Math.random() * 9 });

beforeAll(async () => {
  t = await bootTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = urlOf(t);
  realtime = t.app.get(RealtimeService);
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  await t.close();
});

/** The same claims as a real token, signed with the real key, but expiring at `exp` (default: a minute ago). */
async function twinExpiringAt(token: string, exp = Math.floor(Date.now() / 1000) - 60): Promise<string> {
  const claims = decodeJwt(token);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: claims.sid, sv: claims.sv })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub!)
    .setIssuer(claims.iss!)
    .setAudience(claims.aud!)
    .setIssuedAt(now - 3600)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(t.app.get<Config>(CONFIG).auth.keys.tokens));
}

describe('realtime gateway (/realtime)', () => {
  it('delivers toUsers events to every socket of that user, and only to them', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const a1 = track(await connect(url, a.accessToken));
    const a2 = track(await connect(url, a.accessToken));
    const bSock = track(await connect(url, b.accessToken));
    const seenByB = record(bSock);
    const got = Promise.all([next(a1, 'order.updated'), next(a2, 'order.updated')]);
    realtime.toUsers([a.user.id], 'order.updated', { orderId: 'o-1', status: 'confirmed' });
    expect(await got).toEqual([
      { orderId: 'o-1', status: 'confirmed' },
      { orderId: 'o-1', status: 'confirmed' },
    ]);
    await pause(150);
    expect(seenByB.size).toBe(0);
  });

  it('refuses a connection without a token, with garbage, or with an expired token', async () => {
    const u = await registerUser(t);
    expect(await refusalOf(connect(url))).toBe('auth/missing-token');
    expect(await refusalOf(connect(url, undefined, { token: 42 }))).toBe('auth/missing-token');
    expect(await refusalOf(connect(url, 'not-a-token'))).toBe('auth/invalid-token');
    expect(await refusalOf(connect(url, u.accessToken.slice(0, -3) + 'AAA'))).toBe('auth/invalid-token');
    expect(await refusalOf(connect(url, await twinExpiringAt(u.accessToken)))).toBe('auth/invalid-token');
    // The refusals are about the token: the same account's real token connects.
    expect(await refusalOf(connect(url, u.accessToken))).toBe('connected');
  });

  it('ends a socket when its token expires (the client reconnects with a fresh one)', async () => {
    const u = await registerUser(t);
    const s = track(await connect(url, await twinExpiringAt(u.accessToken, Math.floor(Date.now() / 1000) + 2)));
    const notice = next(s, 'session.ended', 4_000);
    expect(await disconnected(s, 4_000)).toBe('io server disconnect');
    expect(await notice).toEqual({ code: 'auth/token-expired' });
  });

  it('refuses the token of a session already logged out', async () => {
    const u = await registerUser(t);
    expect((await t.http.post('/v1/auth/logout', {}, u.accessToken)).status).toBe(200);
    expect(await refusalOf(connect(url, u.accessToken))).toBe('auth/invalid-token');
  });

  it('disconnects the sockets of a session within a second of its logout, and no other session', async () => {
    const u = await registerUser(t);
    const other = await t.http.post('/v1/auth/login', { identifier: u.input.email, password: u.input.password });
    const ending = track(await connect(url, u.accessToken));
    const staying = track(await connect(url, other.body.accessToken));
    const notice = next(ending, 'session.ended');
    const started = Date.now();
    expect((await t.http.post('/v1/auth/logout', {}, u.accessToken)).status).toBe(200);
    expect(await disconnected(ending, 1_000)).toBe('io server disconnect');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await notice).toEqual({ code: 'auth/invalid-token' });
    await pause(100);
    expect(staying.connected).toBe(true);
    const still = next(staying, 'notification.created');
    realtime.toUsers([u.user.id], 'notification.created', { id: 'n-1' });
    expect(await still).toEqual({ id: 'n-1' });
  });

  it('drops a socket whose session ended while its handshake was being checked', async () => {
    const u = await registerUser(t);
    const verifier = t.app.get<AccessTokenVerifier>(ACCESS_TOKEN_VERIFIER, { strict: false });
    const real = verifier.verify.bind(verifier);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The handshake reads the session as live, then the logout lands before the socket is registered.
    const spy = vi.spyOn(verifier, 'verify').mockImplementationOnce(async (token: string) => {
      const actor = await real(token);
      await gate;
      return actor;
    });
    try {
      const connecting = connect(url, u.accessToken);
      await vi.waitFor(() => expect(spy).toHaveBeenCalledTimes(1));
      expect((await t.http.post('/v1/auth/logout', {}, u.accessToken)).status).toBe(200);
      release();
      const s = track(await connecting);
      expect(await disconnected(s, 1_000)).toBe('io server disconnect');
    } finally {
      spy.mockRestore();
    }
  });

  it('disconnects every socket of a user whose sessions all end (logout everywhere)', async () => {
    const u = await registerUser(t);
    const s = track(await connect(url, u.accessToken));
    expect((await t.http.post('/v1/auth/logout-all', {}, u.accessToken)).status).toBeLessThan(300);
    expect(await disconnected(s, 1_000)).toBe('io server disconnect');
  });

  it('lets no client join a room: join attempts are ignored', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const bSock = track(await connect(url, b.accessToken));
    const seen = record(bSock);
    for (const event of ['join', 'subscribe', 'room:join'])
      bSock.emit(event, `user:${a.user.id}`, { room: `user:${a.user.id}` });
    await pause(150);
    realtime.toUsers([a.user.id], 'order.updated', { orderId: 'secret' });
    await pause(200);
    expect(seen.size).toBe(0);
    expect(bSock.connected).toBe(true);
  });

  it('refuses namespaces other than the main one', async () => {
    const u = await registerUser(t);
    expect(await refusalOf(connect(`${url}/admin`, u.accessToken))).toBe('Invalid namespace');
  });

  it('puts staff in the rooms of their branches: toBranch(A) reaches A’s staff, not B’s nor customers', async () => {
    const admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
    const branchA = await createBranch(t, admin, geo());
    const branchB = await createBranch(t, admin, geo());
    const staffA = await createStaff(t, [{ role: 'pharmacist', branchId: branchA.id }]);
    const staffB = await createStaff(t, [{ role: 'branch_manager', branchId: branchB.id }]);
    const customer = await registerUser(t);
    const sockA = track(await connect(url, staffA.accessToken));
    const sockB = track(await connect(url, staffB.accessToken));
    const sockC = track(await connect(url, customer.accessToken));
    const [seenB, seenC] = [record(sockB), record(sockC)];
    const got = next(sockA, 'order.created');
    realtime.toBranch(branchA.id, 'order.created', { orderId: 'o-2' });
    expect(await got).toEqual({ orderId: 'o-2' });
    await pause(150);
    expect(seenB.size).toBe(0);
    expect(seenC.size).toBe(0);
    const gotB = next(sockB, 'order.created');
    const seenA = record(sockA);
    realtime.toBranch(branchB.id, 'order.created', { orderId: 'o-3' });
    expect(await gotB).toEqual({ orderId: 'o-3' });
    await pause(150);
    expect(seenA.size).toBe(0);
  });
});
