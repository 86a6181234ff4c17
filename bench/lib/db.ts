import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';

/** The repository root, from a module compiled to dist-bench/bench/** or run from bench/** by Vitest. */
export const repoRoot = new URL(import.meta.url.includes('/dist-bench/') ? '../../../' : '../../', import.meta.url);

/**
 * The bench database: BENCH_DATABASE_URL, or database `medyour_bench` on the server of DATABASE_URL (default
 * the local PostgreSQL). Never a test database.
 */
export function benchDatabaseUrl(env: NodeJS.ProcessEnv = process.env, name = 'medyour_bench'): string {
  const url = new URL(
    env.BENCH_DATABASE_URL ??
      (() => {
        const u = new URL(env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
        u.pathname = `/${name}`;
        return u.toString();
      })(),
  );
  const db = decodeURIComponent(url.pathname.slice(1));
  if (!db || db.startsWith('medyour_test_') || db === 'postgres')
    throw new Error(`refusing to use database "${db}" for benchmarks: name a database of its own`);
  return url.toString();
}

/**
 * The commerce bench's own small database (bench/commerce/fixture.ts recreates it each run):
 * BENCH_COMMERCE_DATABASE_URL, or `medyour_bench_commerce` on the server of DATABASE_URL.
 */
export const commerceDatabaseUrl = (env: NodeJS.ProcessEnv = process.env) =>
  benchDatabaseUrl(
    { BENCH_DATABASE_URL: env.BENCH_COMMERCE_DATABASE_URL, DATABASE_URL: env.DATABASE_URL },
    'medyour_bench_commerce',
  );

export const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/** Drops and creates the database, then applies the application's migrations (src/db/migrations). */
export async function recreateDatabase(url: string): Promise<void> {
  const name = databaseName(url).replace(/"/g, '""');
  const admin = new pg.Client({ connectionString: adminUrl(url) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  await migrateDatabase(url);
}

export async function dropDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl(url) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName(url).replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function migrateDatabase(url: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrate(drizzle({ client: pool }), {
      migrationsFolder: new URL('src/db/migrations', repoRoot).pathname,
    });
  } finally {
    await pool.end();
  }
}
