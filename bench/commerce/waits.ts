import pg from 'pg';
import { processCpuMs } from '../lib/servers.js';

/**
 * What the database's sessions of a run are doing, sampled every 50 ms from pg_stat_activity: a lock wait
 * (Lock:transactionid on one statement is a hot row), WAL flushes, or ClientRead (a transaction waiting for
 * its application's next statement). Printed beside the figures, so a slow run says where it queued. Also
 * the CPU the database's backends used over the run (Linux /proc, the server on this machine), so a run
 * shows whether the application or PostgreSQL ran out of the two cores.
 */
export function sampleWaits(url: string): { stop: () => Promise<{ summary: string; databaseCpuMs: number }> } {
  const client = new pg.Client({ connectionString: url });
  const counts = new Map<string, number>();
  const cpu = new Map<number, { first: number; last: number }>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      // Every backend of the database (for its CPU); the waits of those not idle.
      const { rows } = await client.query<{ pid: number; wait: string | null }>(
        `SELECT pid, CASE WHEN state <> 'idle' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' ' ||
                split_part(regexp_replace(query, '\\s+', ' ', 'g'), ' where ', 1) END AS wait
         FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'
           AND pid <> pg_backend_pid()`,
      );
      for (const r of rows) if (r.wait !== null) counts.set(r.wait, (counts.get(r.wait) ?? 0) + 1);
      for (const { pid } of rows) {
        const now = processCpuMs(pid);
        if (Number.isNaN(now)) continue;
        const seen = cpu.get(pid);
        if (seen) seen.last = now;
        else cpu.set(pid, { first: now, last: now });
      }
      samples++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
      const databaseCpuMs = [...cpu.values()].reduce((sum, c) => sum + c.last - c.first, 0);
      const summary = [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([w, n]) => `${Math.round((100 * n) / total)}% ${w.slice(0, 90)}`)
        .join('; ')
        .concat(` (${samples} samples, ${(total / (samples || 1)).toFixed(1)} busy sessions on average)`);
      return { summary, databaseCpuMs };
    },
  };
}
