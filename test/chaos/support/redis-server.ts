import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitFor } from './ports.js';

/**
 * A private redis-server on a free loopback port, which a test may kill, restart on the same port, or
 * freeze with CLIENT PAUSE through its own admin connection. `persistent`: an append-only file synced on
 * every write, as production runs it, so data written before a kill is there again after the restart.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private admin: Redis | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'medyour-chaos-redis-'));

  private constructor(
    readonly port: number,
    private readonly persistent: boolean,
  ) {}

  static async start(opts: { persistent?: boolean } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), opts.persistent ?? false);
    try {
      await redis.resume();
    } catch (err) {
      await redis.destroy();
      throw err;
    }
    return redis;
  }

  url(db = 0): string {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  /** (Re)starts the server on the same port and waits until it answers PING. */
  async resume(): Promise<void> {
    const persistence = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', ...persistence];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    child.on('error', () => undefined);
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      const probe = new Redis(this.url(), { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    }, 5_000);
  }

  /** SIGKILL: every connection drops at once, as when the host dies. */
  async kill(): Promise<void> {
    this.admin?.disconnect();
    this.admin = undefined;
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * Freezes every client's commands for `ms` (connections stay open): a hung Redis, not a dead one.
   * There is no early end: Redis holds CLIENT UNPAUSE itself until the pause expires.
   */
  async pause(ms: number): Promise<void> {
    await this.adminClient().call('CLIENT', 'PAUSE', String(ms), 'ALL');
  }

  /** A connection of the test's own, e.g. to look at the keys the app wrote. */
  adminClient(): Redis {
    if (!this.admin) {
      this.admin = new Redis(this.url(), { maxRetriesPerRequest: 1 });
      this.admin.on('error', () => undefined);
    }
    return this.admin;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
