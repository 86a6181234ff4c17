import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import type { App } from '../../../src/app.factory.js';

/** The base URL of an app already listening on a port. */
export const urlOf = (app: App) => `http://127.0.0.1:${(app.app.getHttpServer().address() as AddressInfo).port}`;

/** A Socket.IO client as an app would open one: path /realtime, the token in `auth`, no auto-reconnect. */
export function socketTo(baseUrl: string, auth?: Record<string, unknown>): Socket {
  return io(baseUrl, { path: '/realtime', auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

/** Connects, or rejects with the server's refusal (`connect_error`: message = code, data = { code, message }). */
export function connect(baseUrl: string, token?: string, auth?: Record<string, unknown>): Promise<Socket> {
  const socket = socketTo(baseUrl, auth ?? (token === undefined ? undefined : { token }));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.close();
      reject(err);
    });
  });
}

/** The code a refused connection carries. */
export async function refusalOf(attempt: Promise<Socket>): Promise<string> {
  try {
    const socket = await attempt;
    socket.close();
    return 'connected';
  } catch (err) {
    return ((err as { data?: { code?: string } }).data?.code ?? (err as Error).message) as string;
  }
}

/** Everything a socket receives, by event, from now on. */
export function record(socket: Socket): Map<string, unknown[]> {
  const seen = new Map<string, unknown[]>();
  socket.onAny((event: string, payload: unknown) => seen.set(event, [...(seen.get(event) ?? []), payload]));
  return seen;
}

/** The next `event` on the socket, or a rejection after `ms`. */
export function next<T = unknown>(socket: Socket, event: string, ms = 2_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Resolves with the disconnect reason, or rejects after `ms`. */
export function disconnected(socket: Socket, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!socket.connected) return resolve('already');
    const timer = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
