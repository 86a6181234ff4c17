import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** The newest PostgreSQL installed under /usr/lib/postgresql (Debian layout). */
function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** initdb refuses to run as root: the cluster belongs to the `postgres` OS user when we are root. */
const asOwner = (cmd: string, args: string[]) =>
  process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);

/**
 * A throw-away PostgreSQL cluster on a free loopback port, owned by one test file, so a test can stop
 * and start "the database" without touching the shared server on 5432.
 */
export class PgCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  static async start(): Promise<PgCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'medyour-chaos-pg-'));
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const cluster = new PgCluster(dir, await freePort(), binDir());
    try {
      await asOwner(`${cluster.bin}/initdb`, ['-D', cluster.data, '-U', 'postgres', '--auth=trust', '-N']);
      await cluster.resume();
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
    return cluster;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async createDatabase(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.url() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    return this.url(name);
  }

  /** Starts (or restarts) the server and waits until it accepts connections. */
  async resume(): Promise<void> {
    const opts = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c max_connections=60`;
    await asOwner(`${this.bin}/pg_ctl`, ['-D', this.data, '-l', join(this.dir, 'log'), '-o', opts, '-w', 'start']);
  }

  /** Kills the server as a crash would (`-m immediate`): open connections die, new ones are refused. */
  async crash(): Promise<void> {
    await asOwner(`${this.bin}/pg_ctl`, ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.crash().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
