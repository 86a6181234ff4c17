import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the part of Stripe's API our adapter calls (through the official SDK, pointed here by
 * STRIPE_API_BASE_URL): Checkout Sessions (create, retrieve) and Refunds, with Stripe's form-encoded bodies,
 * bearer-key auth and Idempotency-Key replays. It also plays Stripe's webhook sender: events carry the
 * session as Stripe sends it, signed with Stripe's scheme (`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" under the endpoint secret>`), computed here without the SDK.
 */
export interface FakeSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string;
  expires_at: number;
  url: string | null;
  created: number;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  payment_intent: string;
  status: 'succeeded' | 'pending' | 'failed';
  metadata: Record<string, string>;
}

export const FAKE_SECRET_KEY = 'sk_test_fake_0123456789';
export const FAKE_WEBHOOK_SECRET = 'whsec_fake_0123456789abcdef';

export class FakeStripe {
  readonly sessions = new Map<string, FakeSession>();
  readonly refunds: FakeRefund[] = [];
  /** Every request the SDK sent: method, path, form body, idempotency key. */
  readonly requests: { method: string; path: string; body: Record<string, unknown>; idempotencyKey?: string }[] = [];
  /** While > 0, session creation fails (500, not to be retried) and counts down. */
  failSessions = 0;
  /** While > 0, refunds fail and count down. */
  failRefunds = 0;
  /** The state new refunds are created in (a card refund may stay pending, or fail, at the bank). */
  refundStatus: FakeRefund['status'] = 'succeeded';
  private readonly replies = new Map<string, { status: number; body: unknown }>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The app's settings for this fake. */
  env(): Record<string, string> {
    return {
      CARD_GATEWAY: 'stripe',
      STRIPE_SECRET_KEY: FAKE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
      STRIPE_API_BASE_URL: this.url,
      CARD_SUCCESS_URL: 'https://app.medyour.test/payments/success?session={CHECKOUT_SESSION_ID}',
      CARD_CANCEL_URL: 'https://app.medyour.test/payments/cancel',
    };
  }

  /** The session a redirect URL leads to. */
  sessionOf(redirectUrl: string): FakeSession {
    const id = new URL(redirectUrl).pathname.split('/').pop()!;
    const session = this.sessions.get(id);
    if (!session) throw new Error(`no session behind ${redirectUrl}`);
    return session;
  }

  /** The customer pays on the hosted page: the session completes, paid, with a PaymentIntent. */
  pay(sessionId: string): FakeSession {
    const session = this.sessions.get(sessionId)!;
    session.status = 'complete';
    session.payment_status = 'paid';
    session.payment_intent ??= `pi_${randomBytes(12).toString('hex')}`;
    return session;
  }

  /** A webhook event as Stripe sends it (`data.object` is the session at the time). */
  event(type: string, session: FakeSession, id = `evt_${randomBytes(12).toString('hex')}`) {
    return {
      id,
      object: 'event',
      api_version: '2026-01-01',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object: { ...session, metadata: { ...session.metadata } } },
    };
  }

  /** The body and headers of one delivery of `event`, signed as Stripe signs (or with another secret). */
  delivery(
    event: unknown,
    opts: { secret?: string; timestamp?: number } = {},
  ): { raw: string; headers: Record<string, string> } {
    const raw = JSON.stringify(event, null, 2);
    return { raw, headers: { 'content-type': 'application/json', 'stripe-signature': this.sign(raw, opts) } };
  }

  sign(raw: string, opts: { secret?: string; timestamp?: number } = {}): string {
    const t = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', opts.secret ?? FAKE_WEBHOOK_SECRET)
      .update(`${t}.${raw}`, 'utf8')
      .digest('hex');
    return `t=${t},v1=${v1}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const body = parseForm(Buffer.concat(chunks).toString('utf8'));
    const idempotencyKey = header(req, 'idempotency-key');
    this.requests.push({ method: req.method ?? '', path: url.pathname, body, idempotencyKey });
    const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'request-id': `req_${randomBytes(6).toString('hex')}`,
        ...extra,
      });
      res.end(JSON.stringify(payload));
    };
    if (header(req, 'authorization') !== `Bearer ${FAKE_SECRET_KEY}`)
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    const replayKey = idempotencyKey && `${req.method} ${url.pathname} ${idempotencyKey}`;
    if (replayKey && this.replies.has(replayKey)) {
      const first = this.replies.get(replayKey)!;
      return send(first.status, first.body, { 'idempotent-replayed': 'true' });
    }
    const reply = this.route(req.method ?? 'GET', url.pathname, body);
    if (replayKey && reply.status < 500) this.replies.set(replayKey, reply);
    send(reply.status, reply.body, reply.status >= 500 ? { 'stripe-should-retry': 'false' } : {});
  }

  private route(method: string, path: string, body: Record<string, any>): { status: number; body: unknown } {
    const notFound = { status: 404, body: { error: { type: 'invalid_request_error', message: `No such ${path}` } } };
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      if (this.failSessions > 0) {
        this.failSessions--;
        return { status: 500, body: { error: { type: 'api_error', message: 'fake outage' } } };
      }
      const item = body.line_items?.[0];
      const unit = Number(item?.price_data?.unit_amount);
      const quantity = Number(item?.quantity ?? 1);
      if (body.mode !== 'payment' || !Number.isInteger(unit) || unit <= 0 || !body.success_url || !body.cancel_url)
        return { status: 400, body: { error: { type: 'invalid_request_error', message: 'bad session params' } } };
      const id = `cs_test_${randomBytes(16).toString('hex')}`;
      const session: FakeSession = {
        id,
        object: 'checkout.session',
        mode: body.mode,
        status: 'open',
        payment_status: 'unpaid',
        amount_total: unit * quantity,
        currency: String(item.price_data.currency),
        client_reference_id: body.client_reference_id ?? null,
        metadata: body.metadata ?? {},
        payment_intent: null,
        success_url: body.success_url,
        cancel_url: body.cancel_url,
        expires_at: Number(body.expires_at),
        url: `https://checkout.fake-stripe.test/c/pay/${id}`,
        created: Math.floor(Date.now() / 1000),
      };
      this.sessions.set(id, session);
      return { status: 200, body: session };
    }
    const retrieve = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (method === 'GET' && retrieve) {
      const session = this.sessions.get(retrieve[1]!);
      return session ? { status: 200, body: session } : notFound;
    }
    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path);
    if (method === 'POST' && expire) {
      const session = this.sessions.get(expire[1]!);
      if (!session) return notFound;
      if (session.status !== 'open')
        return { status: 400, body: { error: { type: 'invalid_request_error', message: 'session is not open' } } };
      session.status = 'expired';
      session.url = null;
      return { status: 200, body: session };
    }
    if (method === 'POST' && path === '/v1/refunds') {
      if (this.failRefunds > 0) {
        this.failRefunds--;
        return { status: 500, body: { error: { type: 'api_error', message: 'fake outage' } } };
      }
      const paid = [...this.sessions.values()].find((s) => s.payment_intent === body.payment_intent);
      const amount = Number(body.amount);
      const before = this.refunds
        .filter((r) => r.payment_intent === body.payment_intent && r.status !== 'failed')
        .reduce((s, r) => s + r.amount, 0);
      if (!paid || !Number.isInteger(amount) || amount <= 0 || before + amount > paid.amount_total)
        return { status: 400, body: { error: { type: 'invalid_request_error', message: 'refund refused' } } };
      const refund: FakeRefund = {
        id: `re_${randomBytes(12).toString('hex')}`,
        object: 'refund',
        amount,
        payment_intent: String(body.payment_intent),
        status: this.refundStatus,
        metadata: body.metadata ?? {},
      };
      this.refunds.push(refund);
      return { status: 200, body: refund };
    }
    const refundAt = /^\/v1\/refunds\/([^/]+)$/.exec(path);
    if (method === 'GET' && refundAt) {
      const refund = this.refunds.find((r) => r.id === refundAt[1]);
      return refund ? { status: 200, body: refund } : notFound;
    }
    return notFound;
  }
}

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Stripe's form encoding (`a[b][0][c]=v`) back into nested objects; numeric keys make arrays. */
function parseForm(text: string): Record<string, any> {
  const root: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: any = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = node[part] ??= /^\d+$/.test(path[i + 1]!) ? [] : {};
    });
  }
  return root;
}
