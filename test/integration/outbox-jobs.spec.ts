import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxService } from '../../src/kernel/events/index.js';
import { JobQueue } from '../../src/kernel/queue/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('outbox', () => {
  it('delivers only committed events, once each, across concurrent relays', async () => {
    const outbox = t.app.get(OutboxService);
    const topic = `test.${Date.now()}`;
    const seen: number[] = [];
    outbox.subscribe(topic, async (payload) => {
      seen.push((payload as { n: number }).n);
    });
    await t.database.db.transaction(async (tx) => {
      for (let n = 1; n <= 30; n++) await outbox.publish(topic, { n }, tx);
    });
    await t.database.db
      .transaction(async (tx) => {
        await outbox.publish(topic, { n: 999 }, tx);
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await Promise.all([outbox.relay(7), outbox.relay(7), outbox.relay(7)]);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await outbox.relay();
    expect(seen).toHaveLength(30);
  });

  it('keeps a failing event for retry with its error, without blocking the others', async () => {
    const outbox = t.app.get(OutboxService);
    const topic = `test.fail.${Date.now()}`;
    let attempts = 0;
    const delivered: string[] = [];
    outbox.subscribe(topic, async (payload) => {
      const p = payload as { id: string };
      if (p.id === 'bad' && attempts++ < 1) throw new Error('downstream down');
      delivered.push(p.id);
    });
    await t.database.db.transaction(async (tx) => {
      await outbox.publish(topic, { id: 'bad' }, tx);
      await outbox.publish(topic, { id: 'good' }, tx);
    });
    await outbox.relay();
    expect(delivered).toEqual(['good']);
    const rows = (await t.database.db.execute(
      sql`select attempts, last_error from outbox where topic = ${topic} and published_at is null`,
    )) as unknown as {
      rows: { attempts: number; last_error: string }[];
    };
    expect(rows.rows).toEqual([{ attempts: 1, last_error: 'downstream down' }]);
    await outbox.relay();
    expect(delivered).toEqual(['good', 'bad']);
  });
});

describe('in-process job queue', () => {
  it('runs enqueued jobs, retries failures with backoff, and drains on shutdown', async () => {
    const queue = t.app.get(JobQueue);
    let runs = 0;
    queue.register('auth.prune-expired', async () => {
      runs++;
      if (runs < 3) throw new Error('transient');
    });
    await queue.enqueue('auth.prune-expired', {}, { attempts: 3 });
    for (let i = 0; i < 50 && runs < 3; i++) await new Promise((r) => setTimeout(r, 50));
    await queue.drain();
    expect(runs).toBe(3);
  });

  it('refuses a job nobody handles', async () => {
    const queue = new JobQueue();
    await expect(queue.enqueue('outbox.relay', {})).rejects.toThrow(/No handler/);
  });

  it('runs repeatable schedules until shutdown', async () => {
    const queue = new JobQueue();
    let runs = 0;
    queue.register('outbox.relay', async () => {
      runs++;
    });
    queue.every('outbox.relay', 20, {});
    await new Promise((r) => setTimeout(r, 130));
    await queue.onApplicationShutdown();
    const after = runs;
    expect(after).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toBe(after);
  });
});
