import { randomUUID } from 'node:crypto';
import type { World } from './world.js';

const pushToken = () => `ExponentPushToken[${randomUUID()}]`;

/** A device of the admin's own (a fresh token each time: DELETE removes it). */
async function adminDevice(w: World): Promise<string> {
  const res = await w.t.http.post('/v1/devices', { token: pushToken(), platform: 'ios' }, w.admin.accessToken);
  if (res.status !== 201) throw new Error(`device registration failed: ${res.status}`);
  return res.body.id as string;
}

/** Valid requests of the notifications routes (the refinements a schema cannot say). */
export const NOTIFICATION_HINTS = {
  'GET /v1/notifications': { query: () => [] as [string, unknown][] },
  // Exactly one of ids and all (the generated body holds both).
  'POST /v1/notifications/read': { body: () => ({ ids: undefined, all: true }) },
  'PUT /v1/notifications/preferences': {
    body: () => ({
      channels: { orders: { sms: true } },
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Africa/Cairo' },
    }),
  },
  'POST /v1/devices': { body: () => ({ token: pushToken(), platform: 'android' }) },
  'DELETE /v1/devices/{id}': { owned: true, params: async (w: World) => ({ id: await adminDevice(w) }) },
};
