import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Server } from 'socket.io';
import { RedisService } from '../redis/redis.service.js';
import { branchRoom, userRoom } from './rooms.js';

/** The Socket.IO gateway as this service sees it once attached to the HTTP server (see realtime.gateway.ts). */
export interface AttachedGateway {
  server: Server;
  /** Checks this process's sockets of these sessions again; drops those whose session no longer holds. */
  recheckSessions(sessionIds: readonly string[]): void;
  close(): Promise<void>;
}

const SESSIONS_CHANNEL = 'realtime:sessions-changed';
const RELAY_CHANNEL = 'realtime:relay';
const SEP = '\n';

/**
 * How modules push events to connected clients: `toUsers` reaches every socket of those users, `toBranch`
 * every staff socket scoped to that branch, on any API process (the Redis adapter carries it across).
 * Event names are `<domain>.<event>` (`order.updated`, `consultation.message`). Fire-and-forget: a use case
 * never depends on a client being online — durable delivery is the notification inbox's job, not this one's.
 * A process without a socket server (the worker, the CLI) hands the event to the API processes over Redis
 * when it is configured, each of which delivers it to its own sockets; without Redis it is a no-op.
 */
@Injectable()
export class RealtimeService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Realtime');
  private gateway: AttachedGateway | undefined;
  private subscribed = false;
  private readonly nodeId = randomUUID();

  constructor(private readonly redis: RedisService) {}

  /** Called by the gateway once Socket.IO is attached to this process's HTTP server. */
  async attach(gateway: AttachedGateway): Promise<void> {
    this.gateway = gateway;
    if (this.subscribed || !this.redis.configured) return;
    this.subscribed = true;
    await this.redis.subscribe(RELAY_CHANNEL, (message) => {
      try {
        const { rooms, event, payload } = JSON.parse(message) as { rooms: string[]; event: string; payload: unknown };
        this.gateway?.server.local.to(rooms).emit(event, payload);
      } catch {
        // not one of ours
      }
    });
    await this.redis.subscribe(SESSIONS_CHANNEL, (message) => {
      const at = message.indexOf(SEP);
      if (at < 0 || message.slice(0, at) === this.nodeId) return;
      try {
        const ids = JSON.parse(message.slice(at + 1)) as unknown;
        if (Array.isArray(ids)) this.gateway?.recheckSessions(ids.filter((id) => typeof id === 'string'));
      } catch {
        // not one of ours
      }
    });
  }

  get attached(): boolean {
    return this.gateway !== undefined;
  }

  toUsers(userIds: readonly string[], event: string, payload: unknown): void {
    if (userIds.length === 0) return;
    this.emit([...new Set(userIds)].map(userRoom), event, payload);
  }

  toBranch(branchId: string, event: string, payload: unknown): void {
    this.emit([branchRoom(branchId)], event, payload);
  }

  /**
   * Identity calls this after sessions changed state (logout, password change, block, role edits): their
   * sockets on every API process are checked again and dropped when the session no longer holds. Published
   * also from processes without sockets (the worker, the CLI), on the connection that carried the cache
   * invalidation just before, so other nodes see the invalidation first and re-read the session's state.
   */
  sessionsChanged(sessionIds: readonly string[]): void {
    if (sessionIds.length === 0) return;
    this.gateway?.recheckSessions(sessionIds);
    if (!this.redis.configured) return;
    this.redis
      .publish(SESSIONS_CHANNEL, this.nodeId + SEP + JSON.stringify(sessionIds))
      .catch((err: unknown) => this.redis.reportFailure(err));
  }

  async beforeApplicationShutdown(): Promise<void> {
    const gateway = this.gateway;
    this.gateway = undefined;
    await gateway?.close();
  }

  private emit(rooms: string[], event: string, payload: unknown): void {
    try {
      if (this.gateway) this.gateway.server.to(rooms).emit(event, payload);
      else if (this.redis.configured)
        this.redis
          .publish(RELAY_CHANNEL, JSON.stringify({ rooms, event, payload }))
          .catch((err: unknown) => this.redis.reportFailure(err));
    } catch (err) {
      // A realtime push is best effort: it must never fail the use case that raised it.
      this.logger.warn(`emit ${event} failed: ${(err as Error).message}`);
    }
  }
}
