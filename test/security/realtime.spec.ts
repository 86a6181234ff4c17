import { SignJWT, decodeJwt } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeService } from '../../src/kernel/realtime/index.js';
import { createBranch } from '../factories/inventory.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { connect, disconnected, next, pause, record, refusalOf, socketTo, urlOf } from '../e2e/support/realtime.js';

/**
 * The Socket.IO gateway under attack (issue 18, harness): no connection without a valid access token, no
 * way for a client to choose its rooms, and a session revoked by any route (logout, password change, admin
 * suspension) loses its sockets within a second; a role change moves the sockets' branch rooms.
 */
let t: TestApp;
let url: string;
let realtime: RealtimeService;
let admin: string;
const open: Socket[] = [];
const track = (s: Socket) => (open.push(s), s);
const geo = () => ({ lat: 22 + Math.random() * 8, lng: 25 + Math.random() * 9 });

beforeAll(async () => {
  t = await bootTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = urlOf(t);
  realtime = t.app.get(RealtimeService);
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  await t.close();
});

describe('realtime: who may connect', () => {
  it('refuses forged, foreign, tampered and misplaced tokens', async () => {
    const u = await registerUser(t);
    const [head, payload] = u.accessToken.split('.');
    const claims = decodeJwt(u.accessToken);
    const otherKey = await new SignJWT({ sid: claims.sid, sv: claims.sv })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub!)
      .setIssuer(claims.iss!)
      .setAudience(claims.aud!)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('not-the-server-key-but-long-enough-0123456789'));
    const forged = [
      `eyJhbGciOiJub25lIn0.${payload}.`,
      `${head}.${payload}.`,
      otherKey,
      u.refreshToken,
      `Bearer ${u.accessToken}`,
      'x'.repeat(10_000),
    ];
    for (const token of forged) expect(await refusalOf(connect(url, token))).toBe('auth/invalid-token');
    for (const auth of [{}, { token: '' }, { token: [u.accessToken] }, { token: { value: u.accessToken } }])
      expect(await refusalOf(connect(url, undefined, auth))).toBe('auth/missing-token');
  });

  it('ignores a token in the query string or a header: only auth.token counts', async () => {
    const u = await registerUser(t);
    const s = socketTo(`${url}?token=${u.accessToken}`, undefined);
    const code = await new Promise<string>((resolve) => {
      s.once('connect', () => resolve('connected'));
      s.once('connect_error', (err: Error) => resolve(err.message));
    });
    s.close();
    expect(code).toBe('auth/missing-token');
  });
});

describe('realtime: rooms are the server’s choice', () => {
  it('no client event, handshake field or namespace puts a socket in another user’s or branch’s room', async () => {
    const victim = await registerUser(t);
    const branch = await createBranch(t, admin, geo());
    const intruder = await registerUser(t);
    const s = track(
      await connect(url, undefined, {
        token: intruder.accessToken,
        rooms: [`user:${victim.user.id}`, `branch:${branch.id}`],
        userId: victim.user.id,
      }),
    );
    const seen = record(s);
    const rooms = [`user:${victim.user.id}`, `branch:${branch.id}`, `session:${decodeJwt(victim.accessToken).sid}`];
    for (const event of ['join', 'subscribe', 'room', 'rooms', 'join-room', 'joinRoom', 'branch.join'])
      for (const room of rooms) s.emit(event, room, { room, rooms });
    expect(await refusalOf(connect(`${url}/branch:${branch.id}`, intruder.accessToken))).toBe('Invalid namespace');
    await pause(150);
    realtime.toUsers([victim.user.id], 'order.updated', { orderId: 'secret' });
    realtime.toBranch(branch.id, 'order.created', { orderId: 'secret' });
    await pause(250);
    expect(seen.size).toBe(0);
  });
});

describe('realtime: a session revoked later loses its sockets within a second', () => {
  it('on a password change', async () => {
    const u = await registerUser(t);
    const s = track(await connect(url, u.accessToken));
    const res = await t.http.post(
      '/v1/me/password',
      { currentPassword: u.input.password, newPassword: 'Another-Horse-Battery-43' },
      u.accessToken,
    );
    expect(res.status).toBeLessThan(300);
    expect(await disconnected(s, 1_000)).toBe('io server disconnect');
  });

  it('on an admin suspension', async () => {
    const u = await registerUser(t);
    const s = track(await connect(url, u.accessToken));
    const res = await t.http.post(`/v1/admin/users/${u.user.id}/suspend`, { reason: 'test' }, admin);
    expect(res.status).toBeLessThan(300);
    expect(await disconnected(s, 1_000)).toBe('io server disconnect');
    expect(await refusalOf(connect(url, u.accessToken))).toBe('auth/invalid-token');
  });

  it('a role change keeps the socket but moves its branch rooms', async () => {
    const [a, b] = [await createBranch(t, admin, geo()), await createBranch(t, admin, geo())];
    const staff = await createStaff(t, [{ role: 'pharmacist', branchId: a.id }]);
    const s = track(await connect(url, staff.accessToken));
    const res = await t.http.post(
      `/v1/admin/users/${staff.user.id}/roles`,
      { roles: ['pharmacist'], branchIds: [b.id] },
      admin,
    );
    expect(res.status).toBe(200);
    await pause(300);
    const seen = record(s);
    const atB = next(s, 'order.created');
    realtime.toBranch(a.id, 'order.created', { orderId: 'at-a' });
    realtime.toBranch(b.id, 'order.created', { orderId: 'at-b' });
    expect(await atB).toEqual({ orderId: 'at-b' });
    await pause(150);
    expect(seen.get('order.created')).toEqual([{ orderId: 'at-b' }]);
    expect(s.connected).toBe(true);
  });
});
