export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_BASE = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const WORKER_DBS = 4;

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = '/' + database;
  return url.toString();
}

export const workerDb = (run: string, poolId: number) => `medyour_test_${run}_w${poolId}`;
