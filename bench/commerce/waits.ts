import pg from 'pg';

/**
 * What the database's sessions of a run are doing, sampled every 50 ms from pg_stat_activity: a lock wait
 * (Lock:transactionid on one statement is a hot row), WAL flushes, or ClientRead (a transaction waiting for
 * its application's next statement). Printed beside the figures, so a slow run says where it queued.
 */
export function sampleWaits(url: string): { stop: () => Promise<string> } {
  const client = new pg.Client({ connectionString: url });
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ wait: string }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' ' ||
                split_part(regexp_replace(query, '\\s+', ' ', 'g'), ' where ', 1) AS wait
         FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND pid <> pg_backend_pid()`,
      );
      for (const r of rows) counts.set(r.wait, (counts.get(r.wait) ?? 0) + 1);
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
      return [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([w, n]) => `${Math.round((100 * n) / total)}% ${w.slice(0, 90)}`)
        .join('; ')
        .concat(` (${samples} samples, ${(total / (samples || 1)).toFixed(1)} busy sessions on average)`);
    },
  };
}
