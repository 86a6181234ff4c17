import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import type { Database } from '../../src/db/client.js';

const queries = readFileSync(new URL('../invariants.sql', import.meta.url), 'utf8')
  .split(/;\s*(?:\n|$)/)
  .map((q) => q.replace(/^\s*--.*$/gm, '').trim())
  .filter(Boolean);

/** Runs test/invariants.sql; returns every violation (empty when all hold). */
export async function invariantViolations(database: Database): Promise<string[]> {
  const out: string[] = [];
  for (const q of queries) {
    const res = (await database.db.execute(sql.raw(q))) as unknown as {
      rows: { invariant: string; subject: string }[];
    };
    out.push(...res.rows.map((r) => `${r.invariant}: ${r.subject}`));
  }
  return out;
}
