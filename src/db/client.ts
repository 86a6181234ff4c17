import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** One type over both drivers: repositories never know which engine runs. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  kind: 'postgres' | 'pglite';
  db: Db;
  /**
   * Rows of a hot read as a named prepared statement (PostgreSQL): parsed and planned once per connection,
   * then a generic plan skips planning on every call, which for a search is half its database time. Only
   * for statements whose plan does not depend on the values (index ranges, keyed lookups). The name is
   * derived from the SQL text, so each distinct text is its own statement. PGlite plans every query.
   */
  prepared<T>(query: SQL): Promise<T[]>;
  ping(): Promise<void>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export const DATABASE = Symbol('DATABASE');
/** cached plan must not change result type; prepared statement does not exist. */
const STALE_STATEMENT = new Set(['0A000', '26000']);
export const DB = Symbol('DB');

const migrationsFolder = new URL('./migrations', import.meta.url).pathname;

export interface DatabaseOptions {
  url?: string;
  dataDir: string;
  poolMax: number;
  statementTimeoutMs: number;
  onError?: (err: Error) => void;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts) : openPglite(opts.dataDir);
}

async function openPostgres(url: string, opts: DatabaseOptions): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  // timestamptz and bigint come back as JS values we control (Date; bigint as string by default).
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax,
    // Waiting for a free client under a burst is normal; a dead server fails at once (ECONNREFUSED).
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: opts.statementTimeoutMs,
    query_timeout: opts.statementTimeoutMs + 1_000,
    keepAlive: true,
  });
  // Without a listener an idle client's error (server restart) would crash the process.
  pool.on('error', (err) => opts.onError?.(err));
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  const dialect = new PgDialect();
  // Statement text → name (a distinct text per query shape: a few hundred at most).
  const statementNames = new Map<string, string>();
  return {
    kind: 'postgres',
    db,
    prepared: async <T>(query: SQL) => {
      const { sql: text, params } = dialect.sqlToQuery(query);
      let name = statementNames.get(text);
      if (!name) {
        name = `q_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
        if (statementNames.size < 1_000) statementNames.set(text, name);
      }
      const run = async () => (await pool.query({ name, text, values: params })).rows as T[];
      try {
        return await run();
      } catch (err) {
        // A migration changed what a statement prepared before it returns: the pool drops that connection
        // (any error does), and the next one prepares the statement afresh.
        if (!STALE_STATEMENT.has((err as { code?: string }).code ?? '')) throw err;
        return run();
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    migrate: async () => {
      await migrate(db as never, { migrationsFolder });
    },
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist');
  const { cube } = await import('@electric-sql/pglite/contrib/cube');
  const { earthdistance } = await import('@electric-sql/pglite/contrib/earthdistance');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  let path: string | undefined;
  if (dataDir !== 'memory://') {
    path = resolve(dataDir, 'pg');
    mkdirSync(path, { recursive: true });
  }
  const client = await PGlite.create({
    dataDir: path ?? 'memory://',
    extensions: { pg_trgm, btree_gist, cube, earthdistance, unaccent },
  });
  const db = drizzle({ client, schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    prepared: async <T>(query: SQL) => ((await db.execute(query)) as unknown as { rows: T[] }).rows,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    migrate: async () => {
      await migrate(db as never, { migrationsFolder });
    },
    close: () => client.close(),
  };
}
