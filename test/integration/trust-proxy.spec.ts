import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { PASSWORD, registerUser } from '../factories/user.factory.js';
import { KernelFixtureModule } from '../fixtures/kernel-fixture.module.js';

/** The load balancer in front of the API; the client connects to it, it connects to us. */
const PROXY = '10.0.0.5';

function send(t: TestApp, url: string, xff: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}) {
  return t.app
    .getHttpAdapter()
    .getInstance()
    .inject({
      method: init.method ?? 'GET',
      url,
      remoteAddress: PROXY,
      headers: { 'x-forwarded-for': xff, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      payload: init.body ? JSON.stringify(init.body) : undefined,
    });
}

async function loginIp(t: TestApp, xff: string): Promise<string | null> {
  const user = await registerUser(t);
  const res = await send(t, '/v1/auth/login', xff, {
    method: 'POST',
    body: { identifier: user.input.email, password: PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  const { rows } = (await t.database.db.execute(
    `select ip from audit_log where actor_id = '${user.user.id}' and action = 'auth.login' order by at desc limit 1`,
  )) as unknown as { rows: { ip: string | null }[] };
  return rows[0]?.ip ?? null;
}

describe('TRUST_PROXY=1 (one load balancer): a forged X-Forwarded-For does not choose the client address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ TRUST_PROXY: '1', RATE_LIMIT_DEFAULT: '3' }, [KernelFixtureModule]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('per-IP rate limits count the address the proxy saw, not the left-most forged entry', async () => {
    // The attacker rotates the left-most entry on every request; the proxy appends the real address.
    const real = `203.0.113.${10 + Math.floor(Math.random() * 200)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await send(t, '/v1/test-fixture/numbers', `6.6.6.${i}, ${real}`)).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // Another client behind the same proxy keeps its own budget.
    const other = await send(t, '/v1/test-fixture/numbers', `6.6.6.0, 198.51.100.${randomInt(1, 255)}`);
    expect(other.statusCode, other.body).toBe(200);
  });

  it('the audit log records the right-most untrusted address', async () => {
    expect(await loginIp(t, '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
  });
});

describe('TRUST_PROXY as a list of proxy addresses/CIDRs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('skips every trusted hop and stops at the first untrusted one', async () => {
    expect(await loginIp(t, '6.6.6.6, 203.0.113.9, 192.0.2.1, 10.1.2.3')).toBe('203.0.113.9');
  });
});

describe('TRUST_PROXY=false (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ TRUST_PROXY: 'false' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('ignores X-Forwarded-For entirely', async () => {
    expect(await loginIp(t, '6.6.6.6, 203.0.113.9')).toBe(PROXY);
  });
});
