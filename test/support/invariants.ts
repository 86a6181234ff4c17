import { sql } from 'drizzle-orm';
import { createPublicKey, verify } from 'node:crypto';
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
  out.push(...(await signatureViolations(database)));
  return out;
}

/**
 * A signed prescription's body still verifies against its signature, with the public key recorded for its key
 * id (as test/invariants.mjs checks it: PostgreSQL has no Ed25519).
 */
async function signatureViolations(database: Database): Promise<string[]> {
  const res = (await database.db.execute(
    sql`select p.id::text as id, p.signed_body, p.signature, k.public_key
        from prescriptions p left join prescription_signing_keys k on k.key_id = p.key_id`,
  )) as unknown as { rows: { id: string; signed_body: string; signature: string; public_key: string | null }[] };
  return res.rows.flatMap((r) => {
    try {
      const key = createPublicKey({ key: Buffer.from(r.public_key ?? '', 'base64'), format: 'der', type: 'spki' });
      if (verify(null, Buffer.from(r.signed_body, 'utf8'), key, Buffer.from(r.signature, 'base64url'))) return [];
    } catch {
      // an unreadable key is a violation too
    }
    return [`prescription body does not verify against its signature: ${r.id}`];
  });
}
