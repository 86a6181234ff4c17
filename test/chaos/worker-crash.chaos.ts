import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/kernel/ids.js';
import { REDIS_BASE } from '../setup/databases.js';
import { privateDatabase } from '../support/private-db.js';
import { chaosLock } from './support/lock.js';
import { waitFor } from './support/ports.js';

const FACTORY = new URL('../../dist/worker.factory.js', import.meta.url).pathname;
const PROBE = new URL('./support/probe-worker.mjs', import.meta.url).pathname;
const EVENTS = 400;

/**
 * A built worker is killed (SIGKILL: no shutdown hook, its transactions cut, its BullMQ locks left to expire)
 * while it delivers a batch of outbox events; another worker starts. Every event's effect must be there
 * exactly once: none lost (the relay's handover and the stalled jobs are taken over), none twice (each
 * subscriber's effect commits with its (subscriber, event) key).
 */
describe('worker killed mid-batch (built worker, BullMQ on Redis)', () => {
  let db: { url: string; drop(): Promise<void> } | undefined;
  let client: pg.Client | undefined;
  const children: ChildProcess[] = [];
  const prefix = `t:chaos:${randomUUID().slice(0, 8)}:`;
  let release: (() => void) | undefined;

  beforeAll(async () => {
    if (!existsSync(FACTORY)) throw new Error(`${FACTORY} is missing: run \`npm run chaos\` (it builds first)`);
    release = await chaosLock();
    db = await privateDatabase('worker_crash');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE chaos_effects (event_id uuid NOT NULL, pid integer NOT NULL)');
  }, 180_000);

  afterAll(async () => {
    try {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await client?.end();
      await db?.drop();
      const redis = new Redis(REDIS_BASE);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    } finally {
      release?.();
    }
  });

  async function startWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [PROBE], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: db!.url,
        REDIS_URL: REDIS_BASE,
        REDIS_KEY_PREFIX: prefix,
        JOBS_DRIVER: 'bullmq',
        JOBS_CONCURRENCY: '4',
        // A crashed worker's jobs are taken over after 2 s instead of 30.
        JOBS_LOCK_MS: '2000',
        LOG_LEVEL: 'error',
        SEED_DEMO: 'false',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}: ${out}`);
      return out.includes('PROBE_READY');
    }, 60_000);
    return child;
  }

  const count = async (q: string) => Number((await client!.query(q)).rows[0].n);

  it('applies every event once after a SIGKILL and a second worker', async () => {
    const first = await startWorker();
    const ids = Array.from({ length: EVENTS }, () => newId());
    await client!.query(
      `INSERT INTO outbox (id, topic, payload) SELECT id, 'chaos.probe', '{}'::jsonb FROM unnest($1::uuid[]) AS id`,
      [ids],
    );
    await waitFor(async () => (await count('SELECT count(*) AS n FROM chaos_effects')) >= 60, 30_000, 5);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const atKill = await count('SELECT count(*) AS n FROM chaos_effects');
    expect(atKill).toBeLessThan(EVENTS); // killed in the middle of the batch

    const second = await startWorker();
    await waitFor(
      async () => (await count('SELECT count(DISTINCT event_id) AS n FROM chaos_effects')) === EVENTS,
      90_000,
      100,
    );
    // Let anything still in flight (a duplicate in the making) land before counting.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await count('SELECT count(*) AS n FROM chaos_effects')).toBe(EVENTS);
    expect(await count(`SELECT count(*) AS n FROM outbox WHERE topic = 'chaos.probe' AND published_at IS NULL`)).toBe(
      0,
    );
    expect(await count(`SELECT count(*) AS n FROM processed_events WHERE handler = 'chaos.probe'`)).toBe(EVENTS);
    const byWorker = (await client!.query('SELECT pid, count(*)::int AS n FROM chaos_effects GROUP BY pid')).rows;
    expect(byWorker.find((r) => r.pid === first.pid)?.n).toBeGreaterThan(0);
    expect(byWorker.find((r) => r.pid === second.pid)?.n).toBeGreaterThan(0);

    second.kill('SIGTERM');
    const [code] = (await once(second, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
