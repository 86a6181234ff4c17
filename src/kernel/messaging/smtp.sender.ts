import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailMessage, EmailSender } from './senders.js';

export interface SmtpTimeouts {
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

/** Short enough that a stuck relay fails the job (which retries) instead of holding a worker for minutes. */
const DEFAULT_TIMEOUTS: SmtpTimeouts = {
  connectionTimeoutMs: 5_000,
  greetingTimeoutMs: 5_000,
  socketTimeoutMs: 10_000,
};

export class SmtpEmailSender implements EmailSender {
  private readonly transport: Transporter;
  constructor(
    url: string,
    private readonly from: string,
    timeouts: Partial<SmtpTimeouts> = {},
  ) {
    const t = { ...DEFAULT_TIMEOUTS, ...timeouts };
    // One options object: createTransport(url, x) takes x as defaults for every *message*, so timeouts
    // passed that way never reach the connection (nodemailer's own defaults are 30 s greeting, 10 min socket).
    this.transport = nodemailer.createTransport({
      url,
      connectionTimeout: t.connectionTimeoutMs,
      greetingTimeout: t.greetingTimeoutMs,
      socketTimeout: t.socketTimeoutMs,
    });
  }
  async send(message: EmailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }
  close(): void {
    this.transport.close();
  }
}
