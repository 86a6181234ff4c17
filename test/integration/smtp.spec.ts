import { ConsoleLogger, Logger } from '@nestjs/common';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConsoleEmailSender,
  ConsoleSmsSender,
  SentMessages,
  SmtpEmailSender,
} from '../../src/kernel/messaging/index.js';
import { bootTestApp } from '../setup/app.js';
import { registerVerifiedUser } from '../factories/user.factory.js';

interface Received {
  mailFrom: string | undefined;
  rcptTo: string[];
  raw: string;
}

const FROM = 'Medyour <no-reply@medyour.local>';
let smtp: SMTPServer;
let url: string;
let inbox: Received[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('blocked@'))
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const { mailFrom, rcptTo } = session.envelope;
        inbox.push({
          mailFrom: mailFrom ? mailFrom.address : undefined,
          rcptTo: rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  url = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(resolve));
});
afterEach(() => {
  inbox = [];
});

/** Decodes RFC 2047 encoded words (=?UTF-8?B?...?= / =?UTF-8?Q?...?=), joining adjacent ones. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

/** Splits a single-part message into headers (as sent, unfolded), the decoded subject and the decoded body. */
function parse(raw: string): { headers: Record<string, string>; subject: string; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoded = raw.slice(split + 4);
  const cte = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const body =
    cte === 'base64'
      ? Buffer.from(encoded, 'base64').toString('utf8')
      : cte === 'quoted-printable'
        ? Buffer.from(
            encoded
              .replace(/=\r\n/g, '')
              .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8')
        : encoded;
  return { headers, subject: decodeWords(headers.subject ?? ''), body: body.replace(/\r\n$/, '') };
}

describe('SmtpEmailSender', () => {
  let sender: SmtpEmailSender;
  beforeAll(() => {
    sender = new SmtpEmailSender(url, FROM);
  });
  afterAll(() => sender.close());

  it('delivers to the recipient with our sender, subject and body', async () => {
    await sender.send({
      to: 'patient@example.test',
      subject: 'Your order has shipped',
      text: 'Order 1042 is on its way.\nThank you.',
    });
    expect(inbox).toHaveLength(1);
    const [mail] = inbox;
    expect(mail.mailFrom).toBe('no-reply@medyour.local');
    expect(mail.rcptTo).toEqual(['patient@example.test']);
    const { headers, subject, body } = parse(mail.raw);
    expect(headers.from).toBe(FROM);
    expect(headers.to).toBe('patient@example.test');
    expect(subject).toBe('Your order has shipped');
    expect(body.replace(/\r\n/g, '\n')).toBe('Order 1042 is on its way.\nThank you.');
  });

  it('encodes an Arabic subject and body so they arrive intact', async () => {
    const subject = 'إعادة تعيين كلمة المرور';
    const text = 'رمز التحقق الخاص بك هو 482913. لا تشاركه مع أحد.';
    await sender.send({ to: 'mariam@example.test', subject, text });
    const sent = parse(inbox[0].raw);
    expect(sent.headers.subject).toMatch(/^=\?UTF-8\?[BQ]\?/i); // encoded words, not raw 8-bit in a header
    expect(sent.subject).toBe(subject);
    expect(sent.headers['content-type']).toMatch(/charset=utf-8/i);
    expect(sent.body).toBe(text);
  });

  it('keeps a line break in the subject from adding headers or recipients', async () => {
    await sender.send({ to: 'patient@example.test', subject: 'Hello\r\nBcc: attacker@example.test', text: 'hi' });
    expect(inbox[0].rcptTo).toEqual(['patient@example.test']);
    expect(inbox[0].raw).not.toMatch(/^Bcc:/im);
  });

  it('rejects when the server refuses the recipient, so the job can retry or fail visibly', async () => {
    await expect(sender.send({ to: 'blocked@example.test', subject: 's', text: 't' })).rejects.toMatchObject({
      responseCode: 550,
    });
    expect(inbox).toHaveLength(0);
  });

  it('gives up on a server that never greets, within the configured timeout', { timeout: 5_000 }, async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const stuck = new SmtpEmailSender(`smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`, FROM, {
      greetingTimeoutMs: 300,
    });
    try {
      await expect(stuck.send({ to: 'a@example.test', subject: 's', text: 't' })).rejects.toMatchObject({
        code: 'ETIMEDOUT',
      });
    } finally {
      stuck.close();
      silent.close();
    }
  });

  it('answers forgot-password 202 even when the mail server is down (no existence or outage leak)', async () => {
    const t = await bootTestApp({ EMAIL_DRIVER: 'smtp', SMTP_URL: 'smtp://127.0.0.1:1', EMAIL_FROM: FROM });
    try {
      const user = await registerVerifiedUser(t);
      const known = await t.http.post('/v1/auth/password/forgot', { identifier: user.input.email });
      const unknown = await t.http.post('/v1/auth/password/forgot', { identifier: 'no-such-person@example.test' });
      expect(known.status).toBe(202);
      expect(known.body).toEqual(unknown.body);
    } finally {
      await t.close();
    }
  });

  it('is the email driver when EMAIL_DRIVER=smtp: a reset code sent by the app works', async () => {
    const t = await bootTestApp({ EMAIL_DRIVER: 'smtp', SMTP_URL: url, EMAIL_FROM: FROM });
    try {
      const user = await registerVerifiedUser(t, { locale: 'ar' });
      const forgot = await t.http.post('/v1/auth/password/forgot', { identifier: user.input.email });
      expect(forgot.status).toBe(202);
      // Delivery does not hold the answer: wait for the message to reach the server.
      for (let i = 0; i < 100 && !inbox.some((m) => m.rcptTo.includes(user.input.email)); i++)
        await new Promise((r) => setTimeout(r, 20));
      const mail = inbox.find((m) => m.rcptTo.includes(user.input.email));
      expect(mail).toBeDefined();
      const { subject, body } = parse(mail!.raw);
      expect(subject).toBe('إعادة تعيين كلمة المرور');
      const code = /\d{6}/.exec(body)?.[0];
      expect(code).toBeDefined();
      const newPassword = 'Another-Strong-Passphrase-77';
      const reset = await t.http.post('/v1/auth/password/reset', { identifier: user.input.email, code, newPassword });
      expect(reset.status).toBe(200);
      const login = await t.http.post('/v1/auth/login', { identifier: user.input.email, password: newPassword });
      expect(login.status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('console senders', () => {
  let lines: string[] = [];
  beforeAll(() => {
    const capture = (message: unknown, context?: unknown) => void lines.push(`${String(context)}: ${String(message)}`);
    Logger.overrideLogger({
      log: capture,
      error: capture,
      warn: capture,
      debug: capture,
      verbose: capture,
      fatal: capture,
    });
  });
  afterAll(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });
  afterEach(() => {
    lines = [];
  });

  const email = { to: 'Mariam@Example.test', subject: 'Verify your email', text: 'Your code is 482913' };
  const sms = { to: '+201012345678', text: 'Medyour code 771204' };

  it('records messages and keeps bodies and addresses out of the log when showBody is false', async () => {
    const sent = new SentMessages();
    await new ConsoleEmailSender(sent, false).send(email);
    await new ConsoleSmsSender(sent, false).send(sms);
    expect(sent.emails).toEqual([email]);
    expect(sent.sms).toEqual([sms]);
    expect(sent.lastEmailTo('mariam@example.test')).toEqual(email);
    expect(sent.lastSmsTo(sms.to)).toEqual(sms);
    expect(sent.lastEmailTo('someone-else@example.test')).toBeUndefined();
    expect(lines).toHaveLength(2);
    const log = lines.join('\n');
    for (const secret of ['482913', '771204', email.to, sms.to]) expect(log).not.toContain(secret);
    expect(log).toContain('Verify your email');
  });

  it('prints the body in development (showBody true)', async () => {
    const sent = new SentMessages();
    await new ConsoleEmailSender(sent, true).send(email);
    await new ConsoleSmsSender(sent, true).send(sms);
    expect(lines.join('\n')).toContain('482913');
    expect(lines.join('\n')).toContain('771204');
  });

  it('keeps only the newest 1,000 messages per channel', async () => {
    const sent = new SentMessages();
    const sender = new ConsoleSmsSender(sent, false);
    for (let i = 0; i < 1_005; i++) await sender.send({ to: `+2010000${String(i).padStart(5, '0')}`, text: `n${i}` });
    expect(sent.sms).toHaveLength(1_000);
    expect(sent.sms[0].text).toBe('n5');
    expect(sent.lastSmsTo('+201000001004')?.text).toBe('n1004');
  });
});
