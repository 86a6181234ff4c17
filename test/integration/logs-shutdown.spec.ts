import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { createLogger, REDACT_PATHS } from '../../src/kernel/logger.js';
import { SENT_MESSAGES, type SentMessages } from '../../src/kernel/messaging/index.js';
import { HttpClient, testConfig } from '../setup/app.js';
import { buildUser, verifyContacts } from '../factories/user.factory.js';
import { KernelFixtureModule } from '../fixtures/kernel-fixture.module.js';

describe('logs', () => {
  it('never contain passwords, tokens or one-time codes, and are JSON lines', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    const config = testConfig({ LOG_LEVEL: 'trace', NODE_ENV: 'test' });
    const app = await createApp(config, { logger });
    const http = new HttpClient(app.app);
    const canaries = ['Canary-Password-7301', 'Wrong-Canary-Password-1', 'Canary-Password-8402'];
    try {
      const input = buildUser({ password: 'Canary-Password-7301' });
      const reg = await http.post('/v1/auth/register', input);
      expect(reg.status).toBe(201);
      await verifyContacts(app, reg.body.user.id);
      await http.post('/v1/auth/login', { identifier: input.email, password: 'Wrong-Canary-Password-1' });
      const refreshed = await http.post('/v1/auth/refresh', { refreshToken: reg.body.refreshToken });
      await http.get('/v1/me', refreshed.body.accessToken);
      await http.post('/v1/auth/password/forgot', { identifier: input.email });
      const code = app.app
        .get<SentMessages>(SENT_MESSAGES as never)
        .lastEmailTo(input.email)!
        .text.match(/\d{6}/)![0];
      canaries.push(code, reg.body.refreshToken, refreshed.body.refreshToken);
      await http.post('/v1/auth/password/reset', {
        identifier: input.email,
        code,
        newPassword: 'Canary-Password-8402',
      });
      await http.request('POST', '/v1/auth/login', {
        raw: '{"identifier":"x\\r\\n{\\"level\\":60}","password":"Canary-Password-7301"}',
        headers: { 'content-type': 'application/json' },
      });
      // CR/LF in a path must not forge a log line.
      await http.get('/v1/x%0d%0a%7B%22level%22%3A60%7D');
      await http.get('/v1/me', 'forged\r\n{"level":60}');
    } finally {
      await app.close();
    }
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join('\n');
    expect(canaries).toHaveLength(6);
    for (const canary of canaries) expect(all).not.toContain(canary);
    expect(all).not.toMatch(/eyJhbGciOi/); // no JWT
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.filter((l) => (JSON.parse(l) as { level: number }).level === 60)).toEqual([]);
  });
});

describe('request log lines', () => {
  it('writes one line per request, when it completes, with its id, method, path and status', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger('info', sink);
    // Request lines are off under NODE_ENV=test; development writes them as production does.
    const app = await createApp(
      testConfig({ LOG_LEVEL: 'info', NODE_ENV: 'development', JWT_SECRET: 'a'.repeat(64) }),
      { logger },
    );
    const http = new HttpClient(app.app);
    let id: string;
    try {
      const res = await http.get('/v1/products?limit=1');
      expect(res.status).toBe(200);
      id = String(res.headers['x-request-id']);
    } finally {
      await app.close();
    }
    const mine = lines.filter((l) => l.requestId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      msg: 'request completed',
      req: { id, method: 'GET', path: '/v1/products' },
      res: { statusCode: 200 },
    });
    expect(lines.some((l) => l.msg === 'incoming request')).toBe(false);
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then stops accepting and closes the pools', async () => {
    const app = await createApp(testConfig(), { imports: [KernelFixtureModule] });
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.app.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${address.port}`;
    const inflight = fetch(`${base}/v1/test-fixture/slow`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
    await new Promise((r) => setTimeout(r, 100));
    const closing = app.close();
    const res = await inflight;
    expect(res).toEqual({ status: 200, body: { done: true } });
    await closing;
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
    await expect(app.database.ping()).rejects.toThrow();
  });
});
