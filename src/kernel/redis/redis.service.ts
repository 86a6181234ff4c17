import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { CONFIG, type Config } from '../../config/index.js';

/** After a failed command, callers skip Redis at least this long; then a PING decides. */
const COOL_DOWN_MS = 2_000;
const PROBE_EVERY_MS = 500;
const PING_TIMEOUT_MS = 250;

/**
 * The Redis connections of this process (commands + one subscriber), or none in embedded mode.
 * `healthy` is what callers check before trusting Redis: the connection is up AND no command has failed
 * recently. A hung Redis keeps its socket open, so the connection state alone would make every request
 * wait for the command timeout; a failure reported by any caller (`reportFailure`) opens a circuit
 * breaker instead, and a background PING closes it once Redis answers again.
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  private readonly logger = new Logger('Redis');
  readonly client: Redis | undefined;
  private subscriber: Redis | undefined;
  private ready = false;
  private tripped = false;
  private probe: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly readyListeners: Array<() => void> = [];
  readonly prefix: string;
  private readonly url: string | undefined;

  constructor(@Inject(CONFIG) config: Config) {
    this.prefix = config.redis?.keyPrefix ?? 'medyour:';
    this.url = config.redis?.url;
    if (this.url) this.client = this.connect(this.url, 'commands');
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  get healthy(): boolean {
    return this.ready && !this.tripped;
  }

  /**
   * Called whenever Redis becomes usable again (reconnection or breaker closed): caches drop and repair
   * what they may have missed while Redis was skipped.
   */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /** A command failed or timed out: skip Redis for a cool-down, until a PING is answered. */
  reportFailure(err: unknown): void {
    if (!this.client || this.stopping || this.tripped || !this.ready) return;
    this.tripped = true;
    this.logger.warn(`command failed (${(err as Error)?.message ?? err}); skipping Redis until it answers`);
    this.scheduleProbe(COOL_DOWN_MS);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    if (!this.client) return;
    this.subscriber ??= this.connect(this.url!, 'subscriber');
    const full = this.prefix + channel;
    this.subscriber.on('message', (ch: string, message: string) => {
      if (ch === full) handler(message);
    });
    await this.subscriber.subscribe(full).catch((err: Error) => this.logger.warn(`subscribe failed: ${err.message}`));
  }

  async publish(channel: string, message: string): Promise<void> {
    if (!this.client || !this.healthy) return;
    await this.client.publish(this.prefix + channel, message);
  }

  /** True when Redis answers a PING within a short timeout (never waits for the command timeout). */
  async ping(timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
    if (!this.client) return false;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const answer = this.client.ping().then(
      (r) => r === 'PONG',
      () => false,
    );
    try {
      return await Promise.race([answer, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.probe);
    await Promise.all([this.client, this.subscriber].map((c) => c?.quit().catch(() => c.disconnect())));
  }

  private scheduleProbe(delayMs: number): void {
    clearTimeout(this.probe);
    this.probe = setTimeout(() => {
      // A closed connection is restored by its 'ready' event; the probe is for an open but silent one.
      if (this.stopping || !this.tripped || !this.ready) return;
      void this.ping().then((up) => {
        if (!this.tripped || this.stopping) return;
        if (!up) return this.scheduleProbe(PROBE_EVERY_MS);
        this.logger.log('answering again; back to Redis');
        this.becameHealthy(true);
      });
    }, delayMs);
    this.probe.unref();
  }

  private becameHealthy(wasDown: boolean): void {
    this.tripped = false;
    clearTimeout(this.probe);
    if (wasDown) for (const l of this.readyListeners) l();
  }

  private connect(url: string, role: string): Redis {
    const options: RedisOptions = {
      connectTimeout: 1_000,
      commandTimeout: role === 'subscriber' ? undefined : 500,
      maxRetriesPerRequest: 1,
      // Fail fast while disconnected instead of queueing requests behind a dead connection.
      enableOfflineQueue: role === 'subscriber',
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      lazyConnect: false,
    };
    const client = new Redis(url, options);
    client.on('error', (err: Error) => {
      if (this.ready || role === 'subscriber') this.logger.warn(`${role}: ${err.message}`);
    });
    if (role === 'commands') {
      client.on('ready', () => {
        const wasDown = !this.healthy;
        this.ready = true;
        this.becameHealthy(wasDown);
      });
      client.on('close', () => {
        if (this.ready && !this.stopping)
          this.logger.warn('connection lost; degrading to database and in-process fallbacks');
        this.ready = false;
      });
    }
    return client;
  }
}
