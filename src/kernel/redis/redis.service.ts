import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { CONFIG, type Config } from '../../config/index.js';

/**
 * The Redis connections of this process (commands + one subscriber), or none in embedded mode.
 * `healthy` is what callers check before trusting Redis; every command has a timeout so an outage
 * costs milliseconds, never a hung request.
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  private readonly logger = new Logger('Redis');
  readonly client: Redis | undefined;
  private subscriber: Redis | undefined;
  private ready = false;
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
    return this.ready;
  }

  /** Called on every (re)connection: caches drop what they may have missed while Redis was away. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
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
    if (!this.client || !this.ready) return;
    await this.client.publish(this.prefix + channel, message);
  }

  async ping(): Promise<boolean> {
    if (!this.client) return false;
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.all([this.client, this.subscriber].map((c) => c?.quit().catch(() => c.disconnect())));
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
        const wasDown = !this.ready;
        this.ready = true;
        if (wasDown) for (const l of this.readyListeners) l();
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
