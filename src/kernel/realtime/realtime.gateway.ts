import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Config } from '../../config/index.js';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier, type UserActor } from '../auth/index.js';
import { AppError } from '../errors/index.js';
import { RedisService } from '../redis/redis.service.js';
import { RealtimeService } from './realtime.service.js';
import { roomsOf } from './rooms.js';

export const REALTIME_PATH = '/realtime';
// Clients only listen: nothing they send is handled, so a large frame is never legitimate.
const MAX_FRAME_BYTES = 16 * 1024;
// setTimeout's ceiling; a token living longer is re-armed at the next check.
const MAX_TIMER_MS = 2 ** 31 - 1;

interface SocketData {
  token: string;
  actor: UserActor;
  expiry?: NodeJS.Timeout;
  handshake: Handshake;
}
/** A handshake between its token check and its socket's registration: a session change then is not missed. */
interface Handshake {
  changed: boolean;
}
type RealtimeSocket = Socket<Record<string, never>, Record<string, (payload: unknown) => void>, never, SocketData>;

/** connect_error for the client: `err.message` is the stable code, `err.data` holds code and an English line. */
function refusal(code: string, message: string): Error {
  return Object.assign(new Error(code), { data: { code, message } });
}

/** `exp` of an already verified JWT, in ms since the epoch (undefined if absent). */
function expiresAt(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Socket.IO on the HTTP server Nest's Fastify listens with, at /realtime. The handshake carries the access
 * token (`auth: { token }`), verified like a bearer token (signature, expiry, the session's live state); the
 * server alone decides the rooms (no client join exists). A socket ends when its token expires (the client
 * reconnects with a fresh one) and when identity reports its session changed and it no longer verifies.
 * With Redis configured, the Redis adapter carries broadcasts to the sockets of every API process.
 */
export function attachRealtime(app: NestFastifyApplication, config: Config): void {
  const realtime = app.get(RealtimeService);
  const verifier = app.get<AccessTokenVerifier>(ACCESS_TOKEN_VERIFIER, { strict: false });
  const redis = app.get(RedisService);
  const io = new Server(app.getHttpServer() as HttpServer, {
    path: REALTIME_PATH,
    serveClient: false,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    cors: { origin: config.http.corsOrigins.length > 0 ? [...config.http.corsOrigins] : false, credentials: false },
  });
  const adapterClients = config.redis ? redisAdapterClients(config.redis.url, redis) : [];
  if (adapterClients.length === 2)
    io.adapter(createAdapter(adapterClients[0], adapterClients[1], { key: `${config.redis!.keyPrefix}realtime` }));

  const bySession = new Map<string, Set<RealtimeSocket>>();
  // A session ended while its handshake was checked was read live before it ended, and its socket is not in
  // bySession yet: every session change marks the handshakes in flight, which check again once registered.
  const handshakes = new Set<Handshake>();
  let stopping = false;

  const verify = async (token: string): Promise<UserActor> => {
    try {
      return await verifier.verify(token);
    } catch (err) {
      if (err instanceof AppError && err.status === 401) throw refusal(err.code, err.message);
      throw refusal('realtime/unavailable', 'The token could not be checked now; try again shortly');
    }
  };

  const end = (socket: RealtimeSocket, code: string) => {
    socket.emit('session.ended', { code });
    socket.disconnect(true);
  };

  const armExpiry = (socket: RealtimeSocket) => {
    clearTimeout(socket.data.expiry);
    const at = expiresAt(socket.data.token);
    if (at === undefined) return;
    socket.data.expiry = setTimeout(
      () => (Date.now() >= at ? end(socket, 'auth/token-expired') : armExpiry(socket)),
      Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_MS),
    );
    socket.data.expiry.unref();
  };

  const recheck = async (socket: RealtimeSocket) => {
    let actor: UserActor;
    try {
      actor = await verify(socket.data.token);
    } catch (err) {
      return end(socket, (err as { data?: { code?: string } }).data?.code ?? 'auth/invalid-token');
    }
    // Still valid, perhaps with other roles: the branch rooms follow the grants of now.
    const want = new Set(roomsOf(actor));
    for (const room of socket.rooms) if (room !== socket.id && !want.has(room)) void socket.leave(room);
    void socket.join([...want]);
    socket.data.actor = actor;
  };

  io.use((socket: RealtimeSocket, next) => {
    if (stopping) return next(refusal('realtime/shutting-down', 'The server is restarting; reconnect shortly'));
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token === '')
      return next(refusal('auth/missing-token', 'Send the access token as auth.token'));
    const handshake: Handshake = { changed: false };
    handshakes.add(handshake);
    socket.conn.once('close', () => handshakes.delete(handshake));
    verify(token).then(
      (actor) => {
        socket.data = { token, actor, handshake };
        next();
      },
      (err: Error) => {
        handshakes.delete(handshake);
        next(err);
      },
    );
  });

  io.on('connection', (socket: RealtimeSocket) => {
    const { actor, handshake } = socket.data;
    void socket.join(roomsOf(actor));
    const peers = bySession.get(actor.sessionId) ?? new Set();
    peers.add(socket);
    bySession.set(actor.sessionId, peers);
    handshakes.delete(handshake);
    if (handshake.changed) void recheck(socket);
    armExpiry(socket);
    socket.on('disconnect', () => {
      clearTimeout(socket.data.expiry);
      const set = bySession.get(actor.sessionId);
      set?.delete(socket);
      if (set?.size === 0) bySession.delete(actor.sessionId);
    });
  });

  void realtime.attach({
    server: io,
    recheckSessions: (sessionIds) => {
      for (const handshake of handshakes) handshake.changed = true;
      for (const id of sessionIds) for (const socket of bySession.get(id) ?? []) void recheck(socket);
    },
    async close() {
      stopping = true;
      // Ends every socket of this process (the HTTP server's close would otherwise wait on them) and the
      // engine, but leaves the HTTP server to Nest's close, which drains the in-flight requests.
      io.local.disconnectSockets(true);
      io.engine.close();
      await Promise.all(adapterClients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  });
}

/**
 * The adapter's own pub/sub pair. Its publishes are not awaited by the adapter: a failed one (Redis down)
 * is swallowed and reported to the circuit breaker instead of surfacing as an unhandled rejection; local
 * sockets are reached regardless.
 */
function redisAdapterClients(url: string, redis: RedisService): [Redis, Redis] {
  const options = {
    connectTimeout: 1_000,
    maxRetriesPerRequest: 1,
    retryStrategy: (n: number) => Math.min(n * 200, 2_000),
  };
  const pub = new Redis(url, { ...options, enableOfflineQueue: false });
  const sub = new Redis(url, options);
  // The adapter subscribes once, at start, and does not catch: a subscription Redis refused (it was away) is
  // reported and made again once the connection is ready, instead of an unhandled rejection and an adapter
  // that never hears the other processes.
  const refused = new Map<string, () => Promise<unknown>>();
  for (const method of ['subscribe', 'psubscribe'] as const) {
    const original = (sub[method] as (...args: unknown[]) => Promise<unknown>).bind(sub);
    (sub as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const again = () => original(...args);
      return again().catch((err: unknown) => {
        redis.reportFailure(err);
        refused.set(`${method}:${JSON.stringify(args)}`, again);
        return 0;
      });
    };
  }
  sub.on('ready', () => {
    for (const [key, again] of refused)
      again().then(
        () => refused.delete(key),
        (err: unknown) => redis.reportFailure(err),
      );
  });
  const publish = pub.publish.bind(pub) as (channel: string, message: string | Buffer) => Promise<number>;
  (pub as unknown as { publish: typeof publish }).publish = (channel, message) =>
    publish(channel, message).catch((err: unknown) => {
      redis.reportFailure(err);
      return 0;
    });
  for (const client of [pub, sub]) client.on('error', () => undefined);
  return [pub, sub];
}
