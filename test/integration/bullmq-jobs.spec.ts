import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OutboxService } from '../../src/kernel/events/index.js';
import { JobQueue } from '../../src/kernel/queue/index.js';
import { createWorker, type WorkerContext } from '../../src/worker.factory.js';
import { createStaff } from '../factories/user.factory.js';
import { bootTestApp, testConfig, type TestApp } from '../setup/app.js';
import { PROBE_TICK_MS, PROBE_TOPIC, ProbeJobs, ProbeModule, probeLog } from '../support/job-probe.js';

// The BullMQ driver against the real Redis: one key prefix for this file's API app and its two workers.
const env = { JOBS_DRIVER: 'bullmq', REDIS_KEY_PREFIX: `t:bull:${randomUUID().slice(0, 8)}:` };
let api: TestApp;
let workers: WorkerContext[];
let admin: string;

const until = async (done: () => boolean, ms = 15_000) => {
  for (const end = Date.now() + ms; !done();) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};
const idOf = (c: { app: { get: (t: typeof ProbeJobs) => ProbeJobs } }) => c.app.get(ProbeJobs).id;

beforeAll(async () => {
  // The probes fail on purpose; the queue logs every failed attempt.
  Logger.overrideLogger(false);
  api = await bootTestApp(env, [ProbeModule]);
  workers = [];
  for (let i = 0; i < 2; i++) workers.push(await createWorker(testConfig(env), { imports: [ProbeModule] }));
  admin = (await createStaff(api, [{ role: 'admin', branchId: null }])).accessToken;
}, 60_000);

afterAll(async () => {
  await Promise.all([api?.close(), ...(workers ?? []).map((w) => w.close())]);
  Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
});

describe('BullMQ driver (REDIS_URL set)', () => {
  it('fires a schedule once per period with two workers running it', async () => {
    const queue = api.app.get(JobQueue).bullmq!.bull;
    expect((await queue.getJobSchedulers(0, -1)).filter((s) => s.key === 'probe.tick')).toHaveLength(1);
    probeLog.ticks.length = 0;
    const started = Date.now();
    const ticks = () => probeLog.ticks.filter((t) => t.at >= started).map((t) => t.at);
    // Six ticks, however long a loaded machine makes them take; then at most one a period over the time they
    // took (two schedulers, or each worker its own, would make about two a period). A bound, not gaps: BullMQ
    // aligns each next run to the period, so a late tick may sit close to the next one.
    await vi.waitFor(() => expect(ticks().length).toBeGreaterThanOrEqual(6), { timeout: 20_000, interval: 50 });
    const seen = ticks();
    const periods = Math.floor((Math.max(...seen) - started) / PROBE_TICK_MS);
    expect(seen.length).toBeLessThanOrEqual(periods + 2);
    // Only the workers run jobs: the API process only enqueues.
    expect(new Set(probeLog.ticks.map((t) => t.by)).has(idOf(api))).toBe(false);
  });

  it('runs what the API enqueues in a worker, retrying with backoff until it succeeds', async () => {
    const queue = api.app.get(JobQueue);
    await queue.enqueue('probe.work', { n: 1, failTimes: 2 }, { attempts: 3 });
    await queue.drain();
    const runs = probeLog.runs.filter((r) => r.n === 1);
    expect(runs.map((r) => r.ok)).toEqual([false, false, true]);
    expect(runs.every((r) => r.by !== idOf(api))).toBe(true);
  });

  it('dead-letters a job after its last attempt; staff list it and retry it once', async () => {
    const queue = api.app.get(JobQueue);
    const n = 2;
    await queue.enqueue('probe.work', { n, failTimes: 3 }, { attempts: 1 });
    await queue.drain();
    expect(probeLog.runs.filter((r) => r.n === n).map((r) => r.ok)).toEqual([false, false]);
    const list = await api.http.get('/v1/admin/jobs/failed?limit=100', admin);
    expect(list.status).toBe(200);
    const failed: { id: string } | undefined = list.body.items.find(
      (i: { name: string; payload: string }) =>
        i.name === 'probe.work' && (JSON.parse(i.payload) as { n?: number }).n === n,
    );
    expect(failed).toMatchObject({ attempts: 2, lastError: `probe ${n} failed on purpose` });

    const retried = await api.http.post(`/v1/admin/jobs/${failed!.id}/retry`, undefined, admin);
    expect(retried.status).toBe(202);
    expect((await api.http.post(`/v1/admin/jobs/${failed!.id}/retry`, undefined, admin)).status).toBe(409);
    // The third failure is below failTimes: a fresh set of retries (3 by default) then succeeds.
    await until(() => probeLog.runs.some((r) => r.n === n && r.ok));
    expect(probeLog.runs.filter((r) => r.n === n && r.ok)).toHaveLength(1);
    const after = await api.http.get('/v1/admin/jobs/failed?limit=100', admin);
    expect(after.body.items.map((i: { id: string }) => i.id)).not.toContain(failed!.id);
    expect((await api.http.post(`/v1/admin/jobs/${randomUUID()}/retry`, undefined, admin)).status).toBe(404);
  });

  it('hands committed events to the queue; a worker delivers each once, however often it is delivered', async () => {
    const outbox = api.app.get(OutboxService);
    await api.database.db.transaction(async (tx) => {
      for (let i = 0; i < 20; i++) await outbox.publish(PROBE_TOPIC, { i }, tx);
    });
    const ids = (
      (await api.database.db.execute(
        sql`select id from outbox where topic = ${PROBE_TOPIC} order by id desc limit 20`,
      )) as unknown as { rows: { id: string }[] }
    ).rows.map((r) => r.id);
    // The API process relays nothing itself: a worker's relay schedule moves them.
    await until(() => ids.every((id) => probeLog.events.some((e) => e.eventId === id)));
    // At-least-once: the same events delivered again (a relay that crashed before its commit) change nothing.
    const queue = workers[0].app.get(JobQueue);
    for (const eventId of ids) await queue.enqueue('outbox.deliver', { eventId });
    await queue.drain();
    for (const id of ids) expect(probeLog.events.filter((e) => e.eventId === id)).toHaveLength(1);
    expect(probeLog.events.some((e) => e.by === idOf(api))).toBe(false);
    const pending = (await api.database.db.execute(
      sql`select count(*)::int as n from outbox where id in ${sql.raw(`('${ids.join("','")}')`)} and published_at is null`,
    )) as unknown as { rows: { n: number }[] };
    expect(pending.rows[0].n).toBe(0);
  });
});
