import { Logger } from '@nestjs/common';
import type { EmailMessage, EmailSender, SmsMessage, SmsSender } from './senders.js';

/** Messages sent by the console drivers, newest last; tests read codes from here. */
export class SentMessages {
  readonly emails: EmailMessage[] = [];
  readonly sms: SmsMessage[] = [];
  private static readonly MAX = 1_000;

  push<T>(list: T[], m: T): void {
    list.push(m);
    if (list.length > SentMessages.MAX) list.shift();
  }
  lastEmailTo(to: string): EmailMessage | undefined {
    return this.emails.findLast((m) => m.to.toLowerCase() === to.toLowerCase());
  }
  lastSmsTo(to: string): SmsMessage | undefined {
    return this.sms.findLast((m) => m.to === to);
  }
}
export const SENT_MESSAGES = Symbol('SENT_MESSAGES');

/**
 * Embedded-mode drivers. The body (which may hold a one-time code) is printed only in development, so
 * a code never reaches production or test logs.
 */
export class ConsoleEmailSender implements EmailSender {
  private readonly logger = new Logger('Email');
  constructor(
    private readonly sent: SentMessages,
    private readonly showBody: boolean,
  ) {}
  async send(message: EmailMessage): Promise<void> {
    this.sent.push(this.sent.emails, message);
    this.logger.log(
      this.showBody ? `to ${message.to}: ${message.subject}\n${message.text}` : `email "${message.subject}" queued`,
    );
  }
}

export class ConsoleSmsSender implements SmsSender {
  private readonly logger = new Logger('Sms');
  constructor(
    private readonly sent: SentMessages,
    private readonly showBody: boolean,
  ) {}
  async send(message: SmsMessage): Promise<void> {
    this.sent.push(this.sent.sms, message);
    this.logger.log(this.showBody ? `to ${message.to}: ${message.text}` : 'sms queued');
  }
}
