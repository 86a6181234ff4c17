import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { repoRoot } from './db.js';

const normalize = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** A request to capture the SQL of (a bare string is a GET of that path); `key` names it in the answer. */
export interface CaptureRequest {
  key: string;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  payload?: unknown;
}

/**
 * The SQL our API sends for each path, captured from the pg driver while the built application (dist/)
 * answers the path in process: how the bench proves the baseline runs the same queries. The search cache
 * is off so searches reach the database; the product read is cached after its first load, as in the bench.
 */
export async function captureSql(
  url: string,
  paths: (string | CaptureRequest)[],
  env: Record<string, string> = {},
): Promise<Map<string, string[]>> {
  const seen: string[] = [];
  let capturing = false;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
    const text = typeof config === 'string' ? config : (config as { text?: string } | undefined)?.text;
    if (capturing && text) seen.push(normalize(text));
    return original.call(this, config, ...rest);
  };
  const load = (path: string) => import(new URL(path, repoRoot).href);
  const { loadConfig } = await load('dist/config/index.js');
  const { createApp } = await load('dist/app.factory.js');
  const { createLogger } = await load('dist/kernel/logger.js');
  const config = loadConfig({
    NODE_ENV: 'development',
    DATABASE_URL: url,
    // A real server (DATABASE_URL set) takes no development JWT secret; nothing here signs a token.
    JWT_SECRET: randomBytes(32).toString('hex'),
    MIGRATE_ON_BOOT: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    DATA_DIR: '/tmp/medyour-bench-capture',
    SEARCH_CACHE_TTL_SECONDS: '0',
    ...env,
  });
  const app = await createApp(config, { logger: createLogger('silent') });
  const out = new Map<string, string[]>();
  try {
    const fastify = app.app.getHttpAdapter().getInstance();
    for (const path of paths) {
      const r: CaptureRequest = typeof path === 'string' ? { key: path, method: 'GET', url: path } : path;
      seen.length = 0;
      capturing = true;
      const res = await fastify.inject({
        method: r.method,
        url: r.url,
        headers: r.headers,
        payload: r.payload as object,
      });
      capturing = false;
      if (res.statusCode >= 300) throw new Error(`capturing ${r.key}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      out.set(r.key, [...seen].sort());
    }
  } finally {
    capturing = false;
    await app.close();
    proto.query = original;
  }
  return out;
}

/**
 * Whether the baseline's statements for a path are exactly the captured ones (order aside). `once`: statements
 * a node runs once and then serves from its cache (the active branch set), left out of the comparison.
 */
export function sameSql(
  captured: string[] | undefined,
  baseline: string[],
  once: string[] = [],
  name?: string,
): boolean {
  const skip = new Set(once.map(normalize));
  const ours = (captured ?? []).filter((s) => !skip.has(s));
  const base = baseline
    .map(normalize)
    .filter((s) => !skip.has(s))
    .sort();
  const same = JSON.stringify(ours) === JSON.stringify(base);
  // What to copy into the baseline when a repository changed: both sides, one statement a line.
  if (!same && name) {
    const file = new URL(`dist-bench/sql-${name.replace(/[^a-z0-9]+/gi, '-')}.txt`, repoRoot);
    writeFileSync(
      file,
      `# ours (${ours.length})\n${ours.join('\n')}\n\n# baseline (${base.length})\n${base.join('\n')}\n`,
    );
    console.log(
      `    ${name}: the SQL differs from the baseline's (${ours.length} vs ${base.length} statements): ${file.pathname}`,
    );
  }
  return same;
}

/** The statements `fn` sends through pg in this process (normalised, sorted): the baseline's side of the check. */
export async function recordSql(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
    const text = typeof config === 'string' ? config : (config as { text?: string } | undefined)?.text;
    if (text) seen.push(normalize(text));
    return original.call(this, config, ...rest);
  };
  try {
    await fn();
  } finally {
    proto.query = original;
  }
  return seen.sort();
}
