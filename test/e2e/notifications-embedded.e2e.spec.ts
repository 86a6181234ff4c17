import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxService } from '../../src/kernel/events/index.js';
import { JobQueue } from '../../src/kernel/queue/index.js';
import { SENT_MESSAGES, type SentMessages } from '../../src/kernel/messaging/index.js';
import { placeOrder } from '../factories/orders.factory.js';
import { registerVerifiedUser } from '../factories/user.factory.js';
import { bootTestApp, EMBEDDED, type TestApp } from '../setup/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp(EMBEDDED);
}, 120_000);
afterAll(async () => {
  await t.close();
});

// Embedded mode: PGlite is one connection, and the in-process relay hands events to subscribers inside its
// own transaction. Notifications write outside it (see NotificationIntake): proven here not to wait on it.
describe('notifications in embedded mode (PGlite, in-process relay)', () => {
  it('an order placed reaches the inbox and the email console', async () => {
    const u = await registerVerifiedUser(t);
    const orderId = await placeOrder(t, u.accessToken);
    await t.app.get(OutboxService).relay();
    await t.app.get(JobQueue).drain();
    const inbox = await t.http.get('/v1/notifications', u.accessToken);
    expect(inbox.body.items.map((n: { kind: string }) => n.kind)).toEqual(['order.placed', 'account.welcome']);
    expect(inbox.body.items[0].data.orderId).toBe(orderId);
    const sent = t.app.get<SentMessages>(SENT_MESSAGES);
    expect(sent.emails.filter((m) => m.to === u.input.email).map((m) => m.subject)).toContain('Order received');
  }, 60_000);
});
