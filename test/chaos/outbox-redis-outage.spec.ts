import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxService } from '../../src/kernel/events/index.js';
import { createWorker, type WorkerContext } from '../../src/worker.factory.js';
import { bootTestApp, testConfig, type TestApp } from '../setup/app.js';
import { PROBE_TOPIC, ProbeModule, probeLog } from '../support/job-probe.js';
import { chaosLock } from './support/lock.js';
import { PrivateRedis } from './support/redis-server.js';
import { sleep, waitFor } from './support/ports.js';

/**
 * Redis dies while the API keeps committing events. The outbox keeps them (the relay's handover fails and
 * rolls back, counting no attempt against the events); once Redis is back, the worker's relay moves them and
 * each is delivered exactly once. Redis is persistent, as production runs it.
 */
describe('Redis down while events are produced (private redis-server)', () => {
  let redis: PrivateRedis | undefined;
  let api: TestApp | undefined;
  let worker: WorkerContext | undefined;
  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await chaosLock();
    Logger.overrideLogger(false);
    redis = await PrivateRedis.start({ persistent: true });
    const env = { REDIS_URL: redis.url(), JOBS_DRIVER: 'bullmq', REDIS_KEY_PREFIX: `t:${randomUUID().slice(0, 8)}:` };
    api = await bootTestApp(env, [ProbeModule]);
    worker = await createWorker(testConfig(env), { imports: [ProbeModule] });
  }, 180_000);

  afterAll(async () => {
    try {
      await Promise.all([api?.close(), worker?.close()]);
      await redis?.destroy();
      Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
    } finally {
      release?.();
    }
  });

  async function produce(n: number): Promise<string[]> {
    const outbox = api!.app.get(OutboxService);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      await api!.database.db.transaction(async (tx) => outbox.publish(PROBE_TOPIC, { i }, tx));
      const rows = (await api!.database.db.execute(
        sql`select id from outbox where topic = ${PROBE_TOPIC} order by id desc limit 1`,
      )) as unknown as { rows: { id: string }[] };
      ids.push(rows.rows[0].id);
    }
    return ids;
  }
  const delivered = (ids: string[]) => ids.filter((id) => probeLog.events.some((e) => e.eventId === id)).length;
  const pending = async (ids: string[]) =>
    (
      (await api!.database.db.execute(
        sql`select count(*)::int as n, coalesce(max(attempts), 0)::int as attempts from outbox
            where id in ${sql.raw(`('${ids.join("','")}')`)} and published_at is null`,
      )) as unknown as { rows: { n: number; attempts: number }[] }
    ).rows[0];

  it('keeps every event in the outbox while Redis is away, then delivers each once', async () => {
    const before = await produce(5);
    await waitFor(async () => delivered(before) === before.length, 15_000);

    await redis!.kill();
    const during = await produce(50);
    // The relay (run here directly: its schedule lives in Redis) cannot hand them over: nothing is marked sent.
    await expect(worker!.app.get(OutboxService).relay()).rejects.toThrow();
    await sleep(1_500);
    expect(await pending(during)).toEqual({ n: 50, attempts: 0 });
    expect(delivered(during)).toBe(0);

    await redis!.resume();
    await waitFor(async () => delivered(during) === during.length, 60_000, 100);
    await sleep(1_000);
    for (const id of [...before, ...during]) expect(probeLog.events.filter((e) => e.eventId === id)).toHaveLength(1);
    expect(await pending(during)).toEqual({ n: 0, attempts: 0 });
  });
});
