import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IS_PUBLIC, REQUIRED_PERMISSION } from '../../src/kernel/auth/index.js';
import { RouteIndex } from '../../src/kernel/http/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { documentedOperations } from './openapi-operations.js';

let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp();
});
afterAll(async () => {
  await t.close();
});

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

describe('route table', () => {
  it('declares @Public() or @Can() on every handler of every controller', () => {
    const undeclared: string[] = [];
    let handlers = 0;
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const ctor = wrapper.metatype as (new (...a: never[]) => unknown) | null;
        if (!ctor) continue;
        for (const name of Object.getOwnPropertyNames(ctor.prototype)) {
          const handler = (ctor.prototype as Record<string, unknown>)[name];
          if (
            name === 'constructor' ||
            typeof handler !== 'function' ||
            Reflect.getMetadata(METHOD_METADATA, handler) === undefined
          )
            continue;
          handlers++;
          const declared =
            Reflect.getMetadata(IS_PUBLIC, handler) ??
            Reflect.getMetadata(IS_PUBLIC, ctor) ??
            Reflect.getMetadata(REQUIRED_PERMISSION, handler) ??
            Reflect.getMetadata(REQUIRED_PERMISSION, ctor);
          if (!declared) undeclared.push(`${ctor.name}.${name} (${Reflect.getMetadata(PATH_METADATA, handler)})`);
        }
      }
    }
    expect(handlers).toBeGreaterThan(20);
    expect(undeclared).toEqual([]);
  });

  it('serves exactly the documented operations (plus health and docs)', async () => {
    const documented = (await documentedOperations(t)).map((o) => `${o.method} ${o.path}`).sort();
    const served = t.app
      .get(RouteIndex)
      .routes()
      .filter((r) => HTTP_METHODS.includes(r.method) && r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .filter((r) => !r.url.startsWith('/health') && !r.url.startsWith('/docs'))
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
      .sort();
    expect(served).toEqual(documented);
  });

  it('sends the security headers on every kind of answer', async () => {
    const u = await registerUser(t);
    for (const res of [
      await t.http.get('/v1/me', u.accessToken),
      await t.http.get('/v1/me'),
      await t.http.get('/health/live'),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('production mode', () => {
  let prod: TestApp;
  beforeAll(async () => {
    prod = await bootTestApp({
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-more-than-32-chars!',
      PRESCRIPTION_SIGNING_KEYS: 'rx-2026:MC4CAQAwBQYDK2VwBCIEID7epUqUSCTNtqbExBi03m5fNWZBgVn1I1S0a5wrhe4a',
      VIDEO_JITSI_SECRET: 'a-production-video-secret-of-32-chars!!',
    });
  });
  afterAll(async () => {
    await prod.close();
  });

  it('puts /docs and /docs-json behind a staff access token', async () => {
    const customer = await registerUser(prod);
    const staff = await createStaff(prod, [{ role: 'support_agent', branchId: null }]);
    for (const url of ['/docs', '/docs-json', '/docs/']) {
      const anonymous = await prod.http.get(url);
      expect(anonymous.status, url).toBe(401);
      expect(anonymous.body.code).toBe('auth/docs-require-staff');
      expect((await prod.http.get(url, customer.accessToken)).status, url).toBe(401);
    }
    const ok = await prod.http.get('/docs-json', staff.accessToken);
    expect(ok.status).toBe(200);
    expect(ok.body.openapi).toMatch(/^3\./);
  });
});
