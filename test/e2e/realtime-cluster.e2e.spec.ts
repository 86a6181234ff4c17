import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../src/app.module.js';
import { RealtimeService } from '../../src/kernel/realtime/index.js';
import { RedisService } from '../../src/kernel/redis/index.js';
import { createBranch } from '../factories/inventory.factory.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { bootTestApp, testConfig, type TestApp } from '../setup/app.js';
import { connect, disconnected, next, pause, record, urlOf } from './support/realtime.js';

const open: Socket[] = [];
const track = (s: Socket) => (open.push(s), s);
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function listening(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const t = await bootTestApp(env);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return t;
}

// Two API processes of one deployment: the same database and the same Redis (and key prefix), their own
// sockets, caches and Socket.IO servers. Nothing but Redis connects them.
describe('realtime across two API processes (Redis adapter)', () => {
  let one: TestApp;
  let two: TestApp;
  const shared = { REDIS_KEY_PREFIX: `t:${randomUUID().slice(0, 8)}:` };
  beforeAll(async () => {
    [one, two] = await Promise.all([listening(shared), listening(shared)]);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
  });

  it('an event raised on one process reaches a client connected to the other', async () => {
    const u = await registerUser(one);
    const other = await registerUser(one);
    const onTwo = track(await connect(urlOf(two), u.accessToken));
    const otherOnTwo = track(await connect(urlOf(two), other.accessToken));
    const seenByOther = record(otherOnTwo);
    const got = next(onTwo, 'consultation.message');
    one.app.get(RealtimeService).toUsers([u.user.id], 'consultation.message', { consultationId: 'c-1', body: 'hi' });
    expect(await got).toEqual({ consultationId: 'c-1', body: 'hi' });
    await pause(150);
    expect(seenByOther.size).toBe(0);
  });

  it('toBranch on one process reaches that branch’s staff connected to the other', async () => {
    const admin = (await createStaff(one, [{ role: 'admin', branchId: null }])).accessToken;
    const branch = await createBranch(one, admin, { lat: 22 + Math.random() * 8, lng: 25 + Math.random() * 9 });
    const staff = await createStaff(one, [{ role: 'pharmacist', branchId: branch.id }]);
    const onTwo = track(await connect(urlOf(two), staff.accessToken));
    const got = next(onTwo, 'order.created');
    one.app.get(RealtimeService).toBranch(branch.id, 'order.created', { orderId: 'o-9' });
    expect(await got).toEqual({ orderId: 'o-9' });
  });

  it('an event raised in a process without sockets (the worker) reaches the clients of the API processes', async () => {
    const u = await registerUser(one);
    const onOne = track(await connect(urlOf(one), u.accessToken));
    const onTwo = track(await connect(urlOf(two), u.accessToken));
    const [seenOne, seenTwo] = [record(onOne), record(onTwo)];
    const worker = await NestFactory.createApplicationContext(AppModule.forRoot(testConfig(shared), one.database), {
      logger: false,
    });
    try {
      await worker.init();
      // As a worker does once its Redis connection is up (before that, realtime pushes are skipped).
      for (let i = 0; i < 50 && !worker.get(RedisService).healthy; i++) await pause(20);
      const got = Promise.all([next(onOne, 'notification.created'), next(onTwo, 'notification.created')]);
      worker.get(RealtimeService).toUsers([u.user.id], 'notification.created', { id: 'n-7' });
      expect(await got).toEqual([{ id: 'n-7' }, { id: 'n-7' }]);
      await pause(150);
      // Once per socket: each API process delivers to its own sockets only.
      expect([seenOne.get('notification.created'), seenTwo.get('notification.created')]).toEqual([
        [{ id: 'n-7' }],
        [{ id: 'n-7' }],
      ]);
    } finally {
      await worker.close();
    }
  });

  it('a logout on one process disconnects the session’s sockets on the other within a second', async () => {
    const u = await registerUser(one);
    const onTwo = track(await connect(urlOf(two), u.accessToken));
    const onOne = track(await connect(urlOf(one), u.accessToken));
    const started = Date.now();
    expect((await one.http.post('/v1/auth/logout', {}, u.accessToken)).status).toBe(200);
    await Promise.all([disconnected(onTwo, 1_000), disconnected(onOne, 1_000)]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('realtime on a single node (no Redis)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await listening({ REDIS_URL: undefined });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('delivers events and disconnects a logged-out session in process', async () => {
    const u = await registerUser(t);
    const s = track(await connect(urlOf(t), u.accessToken));
    const got = next(s, 'appointment.updated');
    t.app.get(RealtimeService).toUsers([u.user.id], 'appointment.updated', { appointmentId: 'a-1' });
    expect(await got).toEqual({ appointmentId: 'a-1' });
    expect((await t.http.post('/v1/auth/logout', {}, u.accessToken)).status).toBe(200);
    expect(await disconnected(s, 1_000)).toBe('io server disconnect');
  });
});

describe('realtime and shutdown', () => {
  it('closing the app ends its sockets instead of waiting on them, and later emits are no-ops', async () => {
    const t = await listening();
    const u = await registerUser(t);
    const s = track(await connect(urlOf(t), u.accessToken));
    const gone = disconnected(s, 3_000);
    const started = Date.now();
    await t.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await gone).toMatch(/disconnect|transport close/);
    expect(() => t.app.get(RealtimeService).toUsers([u.user.id], 'order.updated', {})).not.toThrow();
  });
});
