import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

/**
 * In production the OpenAPI document needs a staff token. The router decodes percent-escapes and
 * ignores case where the gate once matched the raw URL, so every spelling that reaches the docs routes
 * must meet the gate.
 */
const SPELLINGS = [
  '/docs',
  '/docs/',
  '/docs-json',
  '/%64ocs-json',
  '/docs%2Djson',
  '/docs%2djson',
  '/%64%6f%63%73-json',
  '/DOCS-json',
  '/Docs-Json',
  '/docs-json?x=1',
  '/docs-json/',
  '//docs-json',
  '/docs/json',
  '/docs/static/index.html',
  '/%64ocs/',
  '/DOCS/',
];

describe('docs gate in production: every spelling of the docs routes needs a staff token', () => {
  let prod: TestApp;
  let customer: string;
  let staff: string;
  beforeAll(async () => {
    prod = await bootTestApp({
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-more-than-32-chars!',
      PRESCRIPTION_SIGNING_KEYS: 'rx-2026:MC4CAQAwBQYDK2VwBCIEID7epUqUSCTNtqbExBi03m5fNWZBgVn1I1S0a5wrhe4a',
      VIDEO_JITSI_SECRET: 'a-production-video-secret-of-32-chars!!',
    });
    customer = (await registerUser(prod)).accessToken;
    staff = (await createStaff(prod, [{ role: 'support_agent', branchId: null }])).accessToken;
  });
  afterAll(async () => {
    await prod.close();
  });

  it.each(SPELLINGS)('%s never serves the docs to an anonymous caller or a customer', async (url) => {
    for (const token of [undefined, customer]) {
      const res = await prod.http.get(url, token);
      expect(res.status, url).not.toBe(200);
      expect(JSON.stringify(res.body ?? '')).not.toContain('openapi');
      expect(String(res.body ?? '')).not.toMatch(/swagger/i);
    }
  });

  it('decoded spellings that route to the document are answered 401 auth/docs-require-staff', async () => {
    for (const url of ['/%64ocs-json', '/docs%2Djson', '/DOCS-json']) {
      const res = await prod.http.get(url);
      expect([401, 404], url).toContain(res.status);
      if (res.status === 401) expect(res.body.code).toBe('auth/docs-require-staff');
    }
    expect((await prod.http.get('/%64ocs-json')).status).toBe(401);
    expect((await prod.http.get('/docs%2Djson')).status).toBe(401);
  });

  it('still serves the document and the UI to staff', async () => {
    const json = await prod.http.get('/docs-json', staff);
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect((await prod.http.get('/%64ocs-json', staff)).status).toBe(200);
    expect((await prod.http.get('/docs', staff)).status).toBe(200);
  });

  it('leaves the API routes alone (the gate is only on the docs routes)', async () => {
    expect((await prod.http.get('/health/live')).status).toBe(200);
    expect((await prod.http.get('/v1/me', customer)).status).toBe(200);
  });
});
