import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { createHash } from 'node:crypto';
import { fillPlaceholders, sql, type SQL } from 'drizzle-orm';
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
  /**
   * `prepared` for a statement whose SQL is built once per shape, not per call: `build` takes its values
   * only through `bind(name)` (a placeholder here, the value itself where the statement is built with
   * values, see `bindValues`), `shape` names everything that changes the text (which filters are present),
   * and `values` holds each named value. The text is rendered once per shape (drizzle's rendering was a
   * tenth of a search's CPU, issue 15); a call fills the values in. With `verifyStatements` (tests) every call
   * also builds afresh with its values and refuses a difference: a value interpolated without `bind`
   * would otherwise be frozen at the first call's.
   */
  statement<T>(
    shape: string,
    build: (bind: Bind) => SQL,
    values: Readonly<Record<string, unknown>>,
    opts?: StatementOptions,
  ): Promise<T[]>;
  ping(): Promise<void>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface StatementOptions {
  /**
   * How PostgreSQL plans it. Default: a named statement, planned with its first values and then, where
   * PostgreSQL finds it no worse, once for all (catalog browse 0.45 ms a call instead of 0.76, prefix search
   * 0.31 instead of 1.18). `generic`: always the generic plan (on connections with
   * plan_cache_mode=force_generic_plan), for a statement PostgreSQL would otherwise re-plan on every call
   * although no value changes its plan (the typo search: 2.4 ms a call re-planned, 1.0 ms generic); never
   * for one whose best plan depends on a value (forced generic, the browse's unknown LIMIT read the whole
   * catalog). `custom`: planned afresh with each call's values, unnamed (availability: 2.0 ms, 2.3 named).
   */
  plan?: 'generic' | 'custom';
}

/** How a statement builder names a value (see Database.statement). */
export type Bind = (name: string) => unknown;
/** The builder's values inline, for a statement run on a transaction (or without a Database). */
export const bindValues =
  (values: Readonly<Record<string, unknown>>): Bind =>
  (name) => {
    if (!(name in values)) throw new Error(`statement: no value named ${name}`);
    return values[name];
  };
const placeholders: Bind = (name) => sql.placeholder(name);

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
  /** Check every Database.statement call against a fresh build with its values (tests). */
  verifyStatements?: boolean;
}

interface Rendered {
  text: string;
  params: unknown[];
}

/** Database.statement's shape cache and its check, over a driver's way of running text and values. */
function statements(
  dialect: PgDialect,
  verify: boolean,
  run: <T>(text: string, values: unknown[], opts?: StatementOptions) => Promise<T[]>,
): Database['statement'] {
  const rendered = new Map<string, Rendered>();
  return async <T>(
    shape: string,
    build: (bind: Bind) => SQL,
    values: Readonly<Record<string, unknown>>,
    opts?: StatementOptions,
  ) => {
    let statement = rendered.get(shape);
    if (!statement) {
      const { sql: text, params } = dialect.sqlToQuery(build(placeholders));
      statement = { text, params };
      // Shapes come from code (a few per query), never from input; the bound keeps a mistake from growing.
      if (rendered.size < 1_000) rendered.set(shape, statement);
    }
    const filled = fillPlaceholders(statement.params, values);
    if (verify) {
      const fresh = dialect.sqlToQuery(build(bindValues(values)));
      if (fresh.sql !== statement.text || JSON.stringify(fresh.params) !== JSON.stringify(filled))
        throw new Error(`statement ${shape}: its text or values differ from a fresh build (a value not bound?)`);
    }
    return run<T>(statement.text, filled, opts);
  };
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts) : openPglite(opts.dataDir, opts.verifyStatements);
}

async function openPostgres(url: string, opts: DatabaseOptions): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  // timestamptz and bigint come back as JS values we control (Date; bigint as string by default).
  const poolOf = (max: number, options?: string) => {
    const p = new pg.Pool({
      connectionString: url,
      max,
      // Waiting for a free client under a burst is normal; a dead server fails at once (ECONNREFUSED).
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: opts.statementTimeoutMs,
      query_timeout: opts.statementTimeoutMs + 1_000,
      keepAlive: true,
      options,
    });
    // Without a listener an idle client's error (server restart) would crash the process.
    p.on('error', (err) => opts.onError?.(err));
    return p;
  };
  const pool = poolOf(opts.poolMax);
  /**
   * Statements that asked for the generic plan (StatementOptions.plan) run on connections of their
   * own where PostgreSQL always keeps it. Opened on first use, half the pool's size: a process holds at most
   * 1.5 × DATABASE_POOL_MAX connections.
   */
  let generic: InstanceType<typeof pg.Pool> | undefined;
  const genericPool = () =>
    (generic ??= poolOf(Math.max(2, Math.ceil(opts.poolMax / 2)), '-c plan_cache_mode=force_generic_plan'));
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  const dialect = new PgDialect();
  // Statement text → name (a distinct text per query shape: a few hundred at most).
  const statementNames = new Map<string, string>();
  const named = async <T>(text: string, values: unknown[], options?: StatementOptions): Promise<T[]> => {
    let name = statementNames.get(text);
    if (!name) {
      name = `q_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
      if (statementNames.size < 1_000) statementNames.set(text, name);
    }
    if (options?.plan === 'custom') return (await pool.query({ text, values })).rows as T[];
    const on = options?.plan === 'generic' ? genericPool() : pool;
    const run = async () => (await on.query({ name, text, values })).rows as T[];
    try {
      return await run();
    } catch (err) {
      // A migration changed what a statement prepared before it returns: the pool drops that connection
      // (any error does), and the next one prepares the statement afresh.
      if (!STALE_STATEMENT.has((err as { code?: string }).code ?? '')) throw err;
      return run();
    }
  };
  return {
    kind: 'postgres',
    db,
    prepared: async <T>(query: SQL) => {
      const { sql: text, params } = dialect.sqlToQuery(query);
      return named<T>(text, params);
    },
    statement: statements(dialect, opts.verifyStatements ?? false, named),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    migrate: async () => {
      await migrate(db as never, { migrationsFolder });
    },
    close: async () => {
      await Promise.all([pool.end(), generic?.end()]);
    },
  };
}

async function openPglite(dataDir: string, verify = false): Promise<Database> {
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
    statement: statements(new PgDialect(), verify, async <T>(text: string, values: unknown[]) => {
      return (await client.query<T>(text, values)).rows;
    }),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    migrate: async () => {
      await migrate(db as never, { migrationsFolder });
    },
    close: () => client.close(),
  };
}
