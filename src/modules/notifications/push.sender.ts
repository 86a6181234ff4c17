import { Logger } from '@nestjs/common';
import { Expo, type ExpoPushMessage, type ExpoPushReceipt, type ExpoPushTicket } from 'expo-server-sdk';
import { Agent, type Dispatcher } from 'undici';

export interface PushMessage {
  /** The device's push token (an Expo push token). */
  to: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** One answer per message, in order: accepted (a ticket to ask a receipt for later) or refused now. */
export type PushTicket = { status: 'ok'; id: string } | { status: 'error'; error: string; message: string };

/** Whether the push service delivered a ticket's message; `DeviceNotRegistered` means the token is dead. */
export type PushReceipt = { status: 'ok' } | { status: 'error'; error: string; message: string };

export interface PushSender {
  send(messages: PushMessage[]): Promise<PushTicket[]>;
  /** Receipts of these tickets that are ready (a ticket without one yet is left out). */
  receipts(ticketIds: string[]): Promise<Map<string, PushReceipt>>;
}
export const PUSH_SENDER = Symbol('PUSH_SENDER');

/** Tokens the push driver accepts at registration (Expo's format). */
export const isPushToken = (token: string): boolean => Expo.isExpoPushToken(token);

/**
 * The Expo SDK reads its base URL once from the environment (meant for Expo's own tests), so a different
 * endpoint (a regional proxy, the local fake in our tests) is reached by the HTTP dispatcher instead:
 * every request keeps its path and goes to `origin`.
 */
class RebasedAgent extends Agent {
  constructor(private readonly origin: string) {
    super();
  }
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return super.dispatch({ ...options, origin: this.origin }, handler);
  }
}

/** Push through Expo's push service (expo-server-sdk: chunking, gzip, retries on 429). */
export class ExpoPushSender implements PushSender {
  private readonly expo: Expo;
  private readonly agent: Agent | undefined;

  constructor(options: { accessToken?: string; baseUrl?: string }) {
    this.agent = options.baseUrl ? new RebasedAgent(new URL(options.baseUrl).origin) : undefined;
    this.expo = new Expo({
      ...(options.accessToken ? { accessToken: options.accessToken } : {}),
      ...(this.agent ? { httpAgent: this.agent } : {}),
    });
  }

  async send(messages: PushMessage[]): Promise<PushTicket[]> {
    const tickets: PushTicket[] = [];
    const expoMessages: ExpoPushMessage[] = messages.map((m) => ({
      to: m.to,
      title: m.title,
      body: m.body,
      data: m.data,
      sound: 'default',
    }));
    for (const chunk of this.expo.chunkPushNotifications(expoMessages))
      for (const t of await this.expo.sendPushNotificationsAsync(chunk)) tickets.push(ticketOf(t));
    return tickets;
  }

  async receipts(ticketIds: string[]): Promise<Map<string, PushReceipt>> {
    const out = new Map<string, PushReceipt>();
    for (const chunk of this.expo.chunkPushNotificationReceiptIds(ticketIds)) {
      const receipts = await this.expo.getPushNotificationReceiptsAsync(chunk);
      for (const [id, r] of Object.entries(receipts)) out.set(id, receiptOf(r));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }
}

const ticketOf = (t: ExpoPushTicket): PushTicket =>
  t.status === 'ok'
    ? { status: 'ok', id: t.id }
    : { status: 'error', error: t.details?.error ?? 'Unknown', message: t.message };

const receiptOf = (r: ExpoPushReceipt): PushReceipt =>
  r.status === 'ok' ? { status: 'ok' } : { status: 'error', error: r.details?.error ?? 'Unknown', message: r.message };

/** Embedded mode: pushes are logged and kept (newest last) for tests; every ticket is accepted. */
export class ConsolePushSender implements PushSender {
  private readonly logger = new Logger('Push');
  readonly sent: PushMessage[] = [];
  private seq = 0;

  async send(messages: PushMessage[]): Promise<PushTicket[]> {
    return messages.map((m) => {
      this.sent.push(m);
      if (this.sent.length > 1_000) this.sent.shift();
      this.logger.log(`push "${m.title}" queued`);
      return { status: 'ok', id: `console-${++this.seq}` };
    });
  }

  async receipts(ticketIds: string[]): Promise<Map<string, PushReceipt>> {
    return new Map(ticketIds.map((id) => [id, { status: 'ok' }]));
  }
}
