import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ExpoMessage {
  to: string;
  title?: string;
  body?: string;
  data?: Record<string, unknown>;
}

/**
 * A local stand-in for Expo's push API (POST /--/api/v2/push/send and /push/getReceipts), speaking its
 * wire format. Token behaviour by name: one containing `gone` is refused at once (ticket error
 * DeviceNotRegistered); one containing `dead` is accepted, and its receipt later says DeviceNotRegistered.
 */
export class FakeExpo {
  readonly sent: ExpoMessage[] = [];
  readonly receiptRequests: string[][] = [];
  private readonly tickets = new Map<string, string>();
  private server: Server | undefined;
  private seq = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (body) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        (err: Error) => {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ code: 'VALIDATION_ERROR', message: err.message }] }));
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  sentTo(token: string): ExpoMessage[] {
    return this.sent.filter((m) => m.to === token);
  }

  private async handle(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let raw = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    const body = JSON.parse(raw.toString('utf8')) as unknown;
    if (req.method === 'POST' && req.url === '/--/api/v2/push/send') {
      const messages = (Array.isArray(body) ? body : [body]) as ExpoMessage[];
      return {
        data: messages.map((m) => {
          this.sent.push(m);
          if (m.to.includes('gone'))
            return {
              status: 'error',
              message: `"${m.to}" is not a registered push notification recipient`,
              details: { error: 'DeviceNotRegistered', expoPushToken: m.to },
            };
          const id = `ticket-${++this.seq}`;
          this.tickets.set(id, m.to);
          return { status: 'ok', id };
        }),
      };
    }
    if (req.method === 'POST' && req.url === '/--/api/v2/push/getReceipts') {
      const ids = (body as { ids: string[] }).ids;
      this.receiptRequests.push(ids);
      const data: Record<string, unknown> = {};
      for (const id of ids) {
        const token = this.tickets.get(id);
        if (token === undefined) continue;
        data[id] = token.includes('dead')
          ? {
              status: 'error',
              message: 'The device cannot receive push notifications anymore',
              details: { error: 'DeviceNotRegistered' },
            }
          : { status: 'ok' };
      }
      return { data };
    }
    throw new Error(`unexpected ${req.method} ${req.url}`);
  }
}
