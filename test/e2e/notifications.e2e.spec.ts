import { sql } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'socket.io-client';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxService } from '../../src/kernel/events/index.js';
import { JobQueue } from '../../src/kernel/queue/index.js';
import { NotificationDelivery } from '../../src/modules/notifications/index.js';
import { NotificationIntake } from '../../src/modules/notifications/notification-intake.service.js';
import { placeOrder } from '../factories/orders.factory.js';
import { createStaff, PASSWORD, registerUser, registerVerifiedUser } from '../factories/user.factory.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { FakeExpo } from '../support/fake-expo.js';
import { connect, next, pause, record, urlOf } from './support/realtime.js';

let t: TestApp;
let url: string;
let smtp: SMTPServer;
const mails: { to: string[]; raw: string }[] = [];
const expo = new FakeExpo();
const open: Socket[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  t = await bootTestApp({
    EMAIL_DRIVER: 'smtp',
    SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    PUSH_DRIVER: 'expo',
    EXPO_PUSH_URL: await expo.start(),
    PUSH_RECEIPT_DELAY_SECONDS: '0',
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = urlOf(t);
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  await t.close();
  await expo.stop();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

/** Committed events reach their subscribers, then every queued send runs. */
async function settle(): Promise<void> {
  await t.app.get(OutboxService).relay();
  await t.app.get(JobQueue).drain();
}
/** Mails to this address, the welcome notice left out. */
const mailsTo = (email: string) =>
  mails.filter((m) => m.to.includes(email.toLowerCase()) && !m.raw.includes('Welcome to Medyour'));

/** A new account whose welcome notice is made and read, so each test sees only what it causes. */
async function person(verified: boolean, overrides: Parameters<typeof registerUser>[1] = {}) {
  const u = verified ? await registerVerifiedUser(t, overrides) : await registerUser(t, overrides);
  await settle();
  await t.http.post('/v1/notifications/read', { all: true }, u.accessToken);
  return u;
}
const rows = async <T>(q: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;
const token = (name: string) => `ExponentPushToken[${name}-${Math.random().toString(36).slice(2, 10)}]`;

async function device(accessToken: string, pushToken: string): Promise<string> {
  const res = await t.http.post('/v1/devices', { token: pushToken, platform: 'android' }, accessToken);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('notifications', () => {
  it('an order placed lands in the inbox, live over Socket.IO, by push and by email, once', async () => {
    const u = await person(true);
    const phone = token('live');
    await device(u.accessToken, phone);
    const socket = await connect(url, u.accessToken);
    open.push(socket);
    const live = next<Record<string, unknown>>(socket, 'notification.created', 5_000);
    const orderId = await placeOrder(t, u.accessToken);
    await settle();

    const created = await live;
    expect(created).toMatchObject({ kind: 'order.placed', category: 'orders', read: false, title: 'Order received' });
    expect((created.data as Record<string, string>).orderId).toBe(orderId);
    const inbox = await t.http.get('/v1/notifications', u.accessToken);
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((n: { id: string }) => n.id)).toContain(created.id);
    expect((await t.http.get('/v1/notifications/unread-count', u.accessToken)).body).toEqual({ count: 1 });
    expect(mailsTo(u.input.email)).toHaveLength(1);
    expect(mailsTo(u.input.email)[0].raw).toContain('Order received');
    expect(expo.sentTo(phone)).toHaveLength(1);
    expect(expo.sentTo(phone)[0]).toMatchObject({
      title: 'Order received',
      data: { notificationId: created.id, orderId },
    });

    // The relay delivers at least once: the same event again (past the outbox's own bookkeeping, straight to
    // the subscriber) makes no second record, live event or send.
    const again = record(socket);
    const [event] = await rows<{ id: string; topic: string; payload: unknown }>(
      sql`select id, topic, payload from outbox where topic = 'order.updated' and payload->>'orderId' = ${orderId}`,
    );
    await t.app.get(NotificationIntake).fromEvent(event.topic, event.payload, event);
    await t.database.db.execute(
      sql`update outbox set published_at = null where topic = 'order.updated' and payload->>'orderId' = ${orderId}`,
    );
    await settle();
    await t.app.get(NotificationDelivery).deliverDue();
    await pause(200);
    expect(again.get('notification.created') ?? []).toHaveLength(0);
    expect((await t.http.get('/v1/notifications/unread-count', u.accessToken)).body).toEqual({ count: 1 });
    expect(mailsTo(u.input.email)).toHaveLength(1);
    expect(expo.sentTo(phone)).toHaveLength(1);
  });

  it('speaks the recipient’s language', async () => {
    const u = await person(true, { locale: 'ar' });
    await placeOrder(t, u.accessToken);
    await settle();
    const inbox = await t.http.get('/v1/notifications', u.accessToken);
    expect(inbox.body.items[0]).toMatchObject({ kind: 'order.placed', title: 'تم استلام طلبك' });
  });

  it('marks read by ids and all; another user’s ids change nothing; lists unread with a cursor', async () => {
    const a = await person(false);
    const b = await person(false);
    for (let i = 0; i < 3; i++) await placeOrder(t, a.accessToken);
    await settle();
    const page1 = await t.http.get('/v1/notifications?limit=2&unread=true', a.accessToken);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await t.http.get(
      `/v1/notifications?limit=2&unread=true&cursor=${page1.body.nextCursor as string}`,
      a.accessToken,
    );
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const [first, second] = page1.body.items as { id: string }[];

    const intrusion = await t.http.post('/v1/notifications/read', { ids: [first.id, second.id] }, b.accessToken);
    expect(intrusion.status).toBe(200);
    expect(intrusion.body).toEqual({ updated: 0 });
    expect((await t.http.get('/v1/notifications/unread-count', a.accessToken)).body).toEqual({ count: 3 });
    expect(JSON.stringify((await t.http.get('/v1/notifications', b.accessToken)).body)).not.toContain(first.id);

    expect((await t.http.post('/v1/notifications/read', { ids: [first.id] }, a.accessToken)).body).toEqual({
      updated: 1,
    });
    expect((await t.http.post('/v1/notifications/read', { ids: [first.id] }, a.accessToken)).body).toEqual({
      updated: 0,
    });
    expect((await t.http.get('/v1/notifications/unread-count', a.accessToken)).body).toEqual({ count: 2 });
    const unread = await t.http.get('/v1/notifications?unread=true', a.accessToken);
    expect(unread.body.items.map((n: { id: string }) => n.id)).not.toContain(first.id);
    expect((await t.http.post('/v1/notifications/read', { all: true }, a.accessToken)).body).toEqual({ updated: 2 });
    expect((await t.http.get('/v1/notifications/unread-count', a.accessToken)).body).toEqual({ count: 0 });
    const read = (await t.http.get('/v1/notifications', a.accessToken)).body.items[0];
    expect(read.read).toBe(true);
    expect(read.readAt).toEqual(expect.any(String));
  });

  it('refuses bad input with problem+json 400', async () => {
    const u = await person(false);
    const bad: [string, string, unknown][] = [
      ['POST', '/v1/notifications/read', {}],
      ['POST', '/v1/notifications/read', { ids: ['x'] }],
      ['POST', '/v1/notifications/read', { all: true, ids: ['0190a0c8-0000-7000-8000-000000000000'] }],
      ['POST', '/v1/notifications/read', { all: false }],
      ['POST', '/v1/notifications/read', { all: true, extra: 1 }],
      ['PUT', '/v1/notifications/preferences', { channels: { orders: { fax: true } } }],
      ['PUT', '/v1/notifications/preferences', { channels: { nope: { push: true } } }],
      ['PUT', '/v1/notifications/preferences', { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Base' } }],
      ['PUT', '/v1/notifications/preferences', { quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } }],
      ['PUT', '/v1/notifications/preferences', { quietHours: { start: '07:00', end: '07:00', timeZone: 'UTC' } }],
      ['POST', '/v1/devices', { token: 'not-an-expo-token', platform: 'ios' }],
      ['POST', '/v1/devices', { token: token('x'), platform: 'symbian' }],
    ];
    for (const [method, path, body] of bad) {
      const res = await t.http.request(method as 'POST', path, { body, token: u.accessToken });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
    }
    expect((await t.http.get('/v1/notifications?limit=0', u.accessToken)).status).toBe(400);
    expect((await t.http.get('/v1/notifications?cursor=bad', u.accessToken)).status).toBe(400);
    expect((await t.http.get('/v1/notifications?other=1', u.accessToken)).status).toBe(400);
    expect((await t.http.request('DELETE', '/v1/devices/not-a-uuid', { token: u.accessToken })).status).toBe(400);
  });

  it('respects preferences: a channel turned off sends nothing there, the inbox still fills', async () => {
    const u = await person(true);
    const phone = token('quiet');
    await device(u.accessToken, phone);
    const defaults = await t.http.get('/v1/notifications/preferences', u.accessToken);
    expect(defaults.body.channels.orders).toEqual({ push: true, email: true, sms: false });
    expect(defaults.body.quietHours).toBeNull();
    const put = await t.http.request('PUT', '/v1/notifications/preferences', {
      token: u.accessToken,
      body: { channels: { orders: { push: false, email: false, sms: true } } },
    });
    expect(put.status).toBe(200);
    expect(put.body.channels.orders).toEqual({ push: false, email: false, sms: true });
    expect(put.body.channels.appointments).toEqual({ push: true, email: true, sms: false });
    await placeOrder(t, u.accessToken);
    await settle();
    expect((await t.http.get('/v1/notifications/unread-count', u.accessToken)).body).toEqual({ count: 1 });
    expect(mailsTo(u.input.email)).toHaveLength(0);
    expect(expo.sentTo(phone)).toHaveLength(0);
    const sms = await rows<{ channel: string; status: string }>(
      sql`select d.channel, d.status from notification_deliveries d join notifications n on n.id = d.notification_id where n.user_id = ${u.user.id} and n.kind = 'order.placed'`,
    );
    expect(sms).toEqual([{ channel: 'sms', status: 'sent' }]);
  });

  it('holds non-urgent push and email through quiet hours; urgent ones go at once', async () => {
    const u = await person(true);
    const phone = token('night');
    await device(u.accessToken, phone);
    const now = new Date();
    const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
    const hhmm = (m: number) => {
      const x = (m + 1440) % 1440;
      return `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
    };
    const quietHours = { start: hhmm(minute - 60), end: hhmm(minute + 60), timeZone: 'UTC' };
    const put = await t.http.request('PUT', '/v1/notifications/preferences', {
      token: u.accessToken,
      body: { quietHours },
    });
    expect(put.body.quietHours).toEqual(quietHours);

    const socket = await connect(url, u.accessToken);
    open.push(socket);
    const live = next<{ kind: string }>(socket, 'notification.created', 5_000);
    await placeOrder(t, u.accessToken);
    await settle();
    // The inbox and the live event are immediate; push and email wait for the window's end.
    expect((await live).kind).toBe('order.placed');
    expect(mailsTo(u.input.email)).toHaveLength(0);
    expect(expo.sentTo(phone)).toHaveLength(0);
    const held = await rows<{ channel: string; status: string; due_at: string }>(
      sql`select d.channel, d.status, d.due_at from notification_deliveries d join notifications n on n.id = d.notification_id where n.user_id = ${u.user.id} and n.kind = 'order.placed' order by d.channel`,
    );
    expect(held.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'pending'],
      ['push', 'pending'],
    ]);
    const endsAt = Math.floor(now.getTime() / 60_000) * 60_000 + 60 * 60_000;
    for (const d of held) expect(Math.abs(new Date(d.due_at).getTime() - endsAt)).toBeLessThanOrEqual(60_000);
    await t.app.get(NotificationDelivery).deliverDue();
    expect(mailsTo(u.input.email)).toHaveLength(0);

    // A password change is urgent (a security notice): it goes through quiet hours.
    const changed = await t.http.post(
      '/v1/me/password',
      { currentPassword: PASSWORD, newPassword: 'Another-Correct-Horse-77' },
      u.accessToken,
    );
    expect(changed.status).toBe(200);
    await settle();
    expect(mailsTo(u.input.email)).toHaveLength(1);
    expect(mailsTo(u.input.email)[0].raw).toContain('Password changed');
    expect(expo.sentTo(phone).map((m) => m.title)).toEqual(['Password changed']);

    // The window ends (its deliveries come due): the held order notice goes out, once.
    await t.database.db.execute(
      sql`update notification_deliveries set due_at = now() where status = 'pending' and notification_id in (select id from notifications where user_id = ${u.user.id})`,
    );
    await t.app.get(NotificationDelivery).deliverDue();
    await t.app.get(NotificationDelivery).deliverDue();
    expect(mailsTo(u.input.email)).toHaveLength(2);
    expect(expo.sentTo(phone).map((m) => m.title)).toEqual(['Password changed', 'Order received']);
  });

  it('removes devices the push service reports dead: at once from tickets, later from receipts', async () => {
    const u = await person(false);
    const [live, dead, gone] = [token('live'), token('dead'), token('gone')];
    const ids = {
      live: await device(u.accessToken, live),
      dead: await device(u.accessToken, dead),
      gone: await device(u.accessToken, gone),
    };
    await placeOrder(t, u.accessToken);
    await settle();
    for (const tk of [live, dead, gone]) expect(expo.sentTo(tk)).toHaveLength(1);
    const remaining = async () =>
      (await rows<{ id: string }>(sql`select id from devices where user_id = ${u.user.id}`)).map((r) => r.id).sort();
    expect(await remaining()).toEqual([ids.live, ids.dead].sort());
    const result = await t.app.get(NotificationDelivery).checkReceipts();
    expect(result.removedDevices).toBe(1);
    expect(await remaining()).toEqual([ids.live]);
    expect(await rows(sql`select id from push_tickets where device_id = ${ids.live}`)).toEqual([]);
    // Receipts read are forgotten: a second pass asks for nothing of these.
    expect((await t.app.get(NotificationDelivery).checkReceipts()).removedDevices).toBe(0);
  });

  it('a support reply reaches the customer (the recipients support names), in the support category', async () => {
    const u = await person(true);
    const agent = await createStaff(t, [{ role: 'support_agent', branchId: null }]);
    const ticket = await t.http.post(
      '/v1/tickets',
      { subject: 'Where is my order?', body: 'It is late.', category: 'order' },
      u.accessToken,
    );
    expect(ticket.status).toBe(201);
    const reply = await t.http.post(
      `/v1/admin/tickets/${ticket.body.id as string}/messages`,
      { body: 'On its way.' },
      agent.accessToken,
    );
    expect(reply.status).toBeLessThan(300);
    await settle();
    const inbox = await t.http.get('/v1/notifications?unread=true', u.accessToken);
    const replies = inbox.body.items.filter((n: { kind: string }) => n.kind === 'ticket.reply_from_support');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ category: 'support', data: { ticketId: ticket.body.id } });
    expect(mailsTo(u.input.email).some((m) => m.raw.includes('Support replied'))).toBe(true);
  });

  it('the sweep announces a record whose deliver job was lost, once', async () => {
    const u = await person(false);
    const [welcome] = await rows<{ id: string }>(sql`select id from notifications where user_id = ${u.user.id}`);
    // As if the process died after the commit and before its job ran.
    await t.database.db.execute(
      sql`update notifications set announced_at = null, created_at = now() - interval '1 minute' where id = ${welcome.id}`,
    );
    const socket = await connect(url, u.accessToken);
    open.push(socket);
    const seen = record(socket);
    const live = next<{ id: string }>(socket, 'notification.created', 5_000);
    await t.app.get(NotificationDelivery).deliverDue();
    expect((await live).id).toBe(welcome.id);
    await t.app.get(NotificationDelivery).deliverDue();
    await pause(200);
    expect(seen.get('notification.created')).toHaveLength(1);
  });

  it('devices: re-registering refreshes, another account’s delete answers 404 and the device stays', async () => {
    const a = await person(false);
    const b = await person(false);
    const tk = token('mine');
    const id = await device(a.accessToken, tk);
    expect(await device(a.accessToken, tk)).toBe(id);
    const theirs = await t.http.request('DELETE', `/v1/devices/${id}`, { token: b.accessToken });
    const missing = await t.http.request('DELETE', '/v1/devices/0190a0c8-0000-7000-8000-000000000000', {
      token: b.accessToken,
    });
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('notifications/device-not-found');
    expect({ ...theirs.body, requestId: undefined, instance: undefined }).toEqual({
      ...missing.body,
      requestId: undefined,
      instance: undefined,
    });
    const audit = await rows<{ actor_id: string }>(
      sql`select actor_id from audit_log where action = 'access.denied' and subject_id = ${id}`,
    );
    expect(audit).toEqual([{ actor_id: b.user.id }]);
    expect(await rows(sql`select id from devices where id = ${id}`)).toHaveLength(1);
    expect((await t.http.request('DELETE', `/v1/devices/${id}`, { token: a.accessToken })).status).toBe(204);
    expect(await rows(sql`select id from devices where id = ${id}`)).toHaveLength(0);
    // The same install signed in as another account: the token moves to them.
    const moved = await device(b.accessToken, tk);
    expect((await rows<{ user_id: string }>(sql`select user_id from devices where id = ${moved}`))[0].user_id).toBe(
      b.user.id,
    );
  });
});
