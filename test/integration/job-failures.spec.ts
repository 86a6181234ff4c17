import { Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxService } from '../../src/kernel/events/index.js';
import { JobQueue } from '../../src/kernel/queue/index.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { bootTestApp, type Res, type TestApp } from '../setup/app.js';
import { ProbeModule, probeLog } from '../support/job-probe.js';

// Embedded mode: the in-process driver dead-letters in the same table, and the same routes retry.
let t: TestApp;
let admin: string;

beforeAll(async () => {
  Logger.overrideLogger(false);
  t = await bootTestApp({}, [ProbeModule]);
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
});
afterAll(async () => {
  await t.close();
  Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
});

type Failed = { id: string; name: string; payload: Record<string, unknown>; attempts: number; lastError: string };
async function failedJobs(): Promise<Failed[]> {
  const items: Failed[] = [];
  let cursor: string | null = null;
  do {
    const res: Res<{ items: (Omit<Failed, 'payload'> & { payload: string })[]; nextCursor: string | null }> =
      await t.http.get(`/v1/admin/jobs/failed?limit=1${cursor ? `&cursor=${cursor}` : ''}`, admin);
    expect(res.status).toBe(200);
    // The payload comes as JSON text.
    items.push(...res.body.items.map((i) => ({ ...i, payload: JSON.parse(i.payload) as Record<string, unknown> })));
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('failed jobs in process (no Redis)', () => {
  it('keeps a job that failed its last attempt; staff page through them and retry one once', async () => {
    const queue = t.app.get(JobQueue);
    await queue.enqueue('probe.work', { n: 100, failTimes: 3 }, { attempts: 1 });
    await queue.enqueue('probe.work', { n: 101, failTimes: 9 }, { attempts: 0 });
    await queue.drain();
    const failed = await failedJobs();
    const first = failed.find((f) => f.name === 'probe.work' && f.payload.n === 100)!;
    expect(first).toMatchObject({ attempts: 2, lastError: 'probe 100 failed on purpose' });
    expect(failed.find((f) => f.payload.n === 101)).toMatchObject({ attempts: 1 });

    const [a, b] = await Promise.all([
      t.http.post(`/v1/admin/jobs/${first.id}/retry`, undefined, admin),
      t.http.post(`/v1/admin/jobs/${first.id}/retry`, undefined, admin),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    await queue.drain();
    expect(probeLog.runs.filter((r) => r.n === 100).map((r) => r.ok)).toEqual([false, false, false, true]);
    expect((await failedJobs()).map((f) => f.id)).not.toContain(first.id);
  });

  it('dead-letters an event whose inline delivery keeps failing; the retry delivers it once', async () => {
    const outbox = t.app.get(OutboxService);
    const topic = `test.dead.${Date.now()}`;
    let broken = true;
    const seen: string[] = [];
    outbox.subscribe(
      topic,
      async (_p, event) => {
        if (broken) throw new Error('provider down');
        seen.push(event.id);
      },
      'test.dead-letter',
    );
    await outbox.publish(topic, {});
    for (let i = 0; i < 10; i++) await outbox.relay();
    const dead = (await failedJobs()).find((f) => f.name === 'outbox.deliver' && f.lastError.startsWith(topic))!;
    expect(dead).toMatchObject({ attempts: 10, lastError: `${topic}: provider down` });
    await outbox.relay();
    expect(seen).toEqual([]);

    broken = false;
    expect((await t.http.post(`/v1/admin/jobs/${dead.id}/retry`, undefined, admin)).status).toBe(202);
    await t.app.get(JobQueue).drain();
    await outbox.relay();
    expect(seen).toEqual([dead.payload.eventId]);
    const row = (await t.database.db.execute(
      sql`select published_at is not null as sent from outbox where id = ${dead.payload.eventId as string}`,
    )) as unknown as { rows: { sent: boolean }[] };
    expect(row.rows).toEqual([{ sent: true }]);
  });

  it('forgets handled-event keys and retried dead letters after 30 days, and nothing younger', async () => {
    const [old, young] = [crypto.randomUUID(), crypto.randomUUID()];
    const db = t.database.db;
    await db.execute(sql`insert into processed_events (handler, event_id, processed_at) values
      ('test.prune', ${old}, now() - interval '31 days'), ('test.prune', ${young}, now() - interval '29 days')`);
    await db.execute(sql`insert into job_failures (id, name, payload, attempts, last_error, retried_at) values
      (${old}, 'probe.work', '{}', 1, 'x', now() - interval '31 days'), (${young}, 'probe.work', '{}', 1, 'x', null)`);
    const queue = t.app.get(JobQueue);
    await queue.enqueue('jobs.prune', {});
    await queue.drain();
    const left = (await db.execute(
      sql`select (select count(*)::int from processed_events where event_id in (${old}, ${young})) as keys,
                 (select count(*)::int from job_failures where id in (${old}, ${young})) as letters`,
    )) as unknown as { rows: { keys: number; letters: number }[] };
    expect(left.rows).toEqual([{ keys: 1, letters: 1 }]);
  });

  it('answers 403 to anyone without jobs:manage, 404 to an unknown failure', async () => {
    const customer = await registerUser(t);
    const support = await createStaff(t, [{ role: 'support_agent', branchId: null }]);
    for (const token of [customer.accessToken, support.accessToken]) {
      expect((await t.http.get('/v1/admin/jobs/failed', token)).status).toBe(403);
      expect((await t.http.post(`/v1/admin/jobs/${crypto.randomUUID()}/retry`, undefined, token)).status).toBe(403);
    }
    expect((await t.http.post(`/v1/admin/jobs/${crypto.randomUUID()}/retry`, undefined, admin)).status).toBe(404);
    expect((await t.http.get('/v1/admin/jobs/failed?cursor=bad', admin)).status).toBe(400);
  });
});
