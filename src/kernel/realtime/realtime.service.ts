import { Injectable, Logger } from '@nestjs/common';
import type { Server } from 'socket.io';
import { branchRoom, userRoom } from './rooms.js';

/** What the gateway does when identity says sessions changed (revoked, blocked, roles edited). */
export type SessionsChangedHandler = (sessionIds: readonly string[]) => void;

/**
 * How modules push events to connected clients: `toUsers` reaches every socket of those users, `toBranch`
 * every staff socket scoped to that branch, on any API process (the Redis adapter carries it across).
 * Event names are `<domain>.<event>` (`order.updated`, `consultation.message`). Fire-and-forget: without a
 * socket server attached (the worker, the CLI, tests without HTTP) a call is a no-op, so a use case never
 * depends on a client being online — durable delivery is the notification inbox's job, not this one's.
 */
@Injectable()
export class RealtimeService {
  private readonly logger = new Logger('Realtime');
  private server: Server | undefined;
  private sessionsChangedHandler: SessionsChangedHandler | undefined;

  /** Called by the gateway once Socket.IO is attached to the HTTP server (and with undefined on close). */
  attach(server: Server | undefined, onSessionsChanged?: SessionsChangedHandler): void {
    this.server = server;
    this.sessionsChangedHandler = server ? onSessionsChanged : undefined;
  }

  get attached(): boolean {
    return this.server !== undefined;
  }

  toUsers(userIds: readonly string[], event: string, payload: unknown): void {
    if (!this.server || userIds.length === 0) return;
    const rooms = [...new Set(userIds)].map(userRoom);
    this.emit(rooms, event, payload);
  }

  toBranch(branchId: string, event: string, payload: unknown): void {
    if (!this.server) return;
    this.emit([branchRoom(branchId)], event, payload);
  }

  /**
   * Identity calls this after sessions changed state (logout, password change, block, role edits): their
   * sockets on every process are checked again and dropped when the session no longer holds.
   */
  sessionsChanged(sessionIds: readonly string[]): void {
    if (sessionIds.length === 0) return;
    this.sessionsChangedHandler?.(sessionIds);
  }

  private emit(rooms: string[], event: string, payload: unknown): void {
    try {
      this.server!.to(rooms).emit(event, payload);
    } catch (err) {
      // A realtime push is best effort: it must never fail the use case that raised it.
      this.logger.warn(`emit ${event} failed: ${(err as Error).message}`);
    }
  }
}
