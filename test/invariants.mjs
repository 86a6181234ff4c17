#!/usr/bin/env node
// `npm run invariants`: runs test/invariants.sql against DATABASE_URL (or the embedded database under
// DATA_DIR) and fails when any query returns a row.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export function invariantQueries() {
  const text = readFileSync(new URL('./invariants.sql', import.meta.url), 'utf8');
  return text
    .split(/;\s*(?:\n|$)/)
    .map((q) => q.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

/**
 * A signed prescription's body still verifies against its signature, with the public key recorded for its key
 * id (PostgreSQL has no Ed25519, so this check is JavaScript). `query` runs SQL and answers rows.
 */
export async function signatureViolations(query) {
  const { createPublicKey, verify } = await import('node:crypto');
  const rows = await query(
    'SELECT p.id::text AS id, p.signed_body, p.signature, k.public_key FROM prescriptions p LEFT JOIN prescription_signing_keys k ON k.key_id = p.key_id',
  );
  const out = [];
  for (const r of rows) {
    let ok = false;
    try {
      const key = createPublicKey({ key: Buffer.from(r.public_key, 'base64'), format: 'der', type: 'spki' });
      ok = verify(null, Buffer.from(r.signed_body, 'utf8'), key, Buffer.from(r.signature, 'base64url'));
    } catch {
      ok = false;
    }
    if (!ok) out.push({ invariant: 'prescription body does not verify against its signature', subject: r.id });
  }
  return out;
}

async function main() {
  let query;
  let close;
  if (process.env.DATABASE_URL) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    query = async (q) => (await client.query(q)).rows;
    close = () => client.end();
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create({ dataDir: resolve(process.env.DATA_DIR ?? './.data', 'pg') });
    query = async (q) => (await db.query(q)).rows;
    close = () => db.close();
  }
  let failed = 0;
  for (const q of invariantQueries()) {
    const rows = await query(q);
    for (const row of rows.slice(0, 20)) console.log(`VIOLATION ${row.invariant}: ${row.subject}`);
    failed += rows.length;
  }
  for (const row of await signatureViolations(query)) {
    console.log(`VIOLATION ${row.invariant}: ${row.subject}`);
    failed++;
  }
  await close();
  console.log(failed === 0 ? 'invariants: all hold' : `invariants: ${failed} violation(s)`);
  process.exit(failed === 0 ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
