import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeService } from '../../src/kernel/realtime/index.js';
import { connect, disconnected, next, urlOf } from '../e2e/support/realtime.js';
import { registerUser } from '../factories/user.factory.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { chaosLock } from './support/lock.js';
import { PrivateRedis } from './support/redis-server.js';
import { sleep } from './support/ports.js';

/**
 * Redis dies under two API processes with connected sockets. Realtime is best effort across processes but
 * must never break a process: local sockets keep receiving, a logout still drops the session's local
 * sockets, nothing surfaces as an unhandled rejection, and cross-process delivery returns with Redis.
 */
describe('realtime while Redis is down (private redis-server)', () => {
  let redis: PrivateRedis | undefined;
  let one: TestApp | undefined;
  let two: TestApp | undefined;
  let release: (() => void) | undefined;
  const sockets: Socket[] = [];
  const rejections: unknown[] = [];
  const onRejection = (err: unknown) => rejections.push(err);

  beforeAll(async () => {
    release = await chaosLock();
    process.on('unhandledRejection', onRejection);
    redis = await PrivateRedis.start();
    const env = { REDIS_URL: redis.url(), REDIS_KEY_PREFIX: 'chaos-rt:' };
    [one, two] = await Promise.all([bootTestApp(env), bootTestApp(env)]);
    await Promise.all([one, two].map((t) => t.app.listen({ port: 0, host: '127.0.0.1' })));
  }, 180_000);

  afterAll(async () => {
    try {
      for (const s of sockets) s.close();
      await Promise.all([one?.close().catch(() => undefined), two?.close().catch(() => undefined)]);
      await redis?.destroy();
    } finally {
      process.off('unhandledRejection', onRejection);
      release?.();
    }
  });

  it('keeps local delivery and revocation, and resumes cross-process delivery when Redis is back', async () => {
    const u = await registerUser(one!);
    const v = await registerUser(one!);
    const onOne = await connect(urlOf(one!), u.accessToken);
    const onTwo = await connect(urlOf(two!), u.accessToken);
    const ending = await connect(urlOf(one!), v.accessToken);
    sockets.push(onOne, onTwo, ending);
    const emit = (payload: unknown) => one!.app.get(RealtimeService).toUsers([u.user.id], 'order.updated', payload);

    await redis!.kill();
    await sleep(300);
    const local = next(onOne, 'order.updated');
    for (let i = 0; i < 20; i++) emit({ n: i });
    expect(await local).toEqual({ n: 0 });
    expect((await one!.http.post('/v1/auth/logout', {}, v.accessToken)).status).toBe(200);
    expect(await disconnected(ending, 1_000)).toBe('io server disconnect');
    expect(onOne.connected && onTwo.connected).toBe(true);

    await redis!.resume();
    const deadline = Date.now() + 10_000;
    let arrived = false;
    const across = next(onTwo, 'order.updated', 10_000).then(() => (arrived = true));
    while (!arrived && Date.now() < deadline) {
      emit({ back: true });
      await sleep(200);
    }
    await across;
    expect(rejections).toEqual([]);
  }, 60_000);
});
