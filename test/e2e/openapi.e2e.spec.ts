import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp({ CORS_ORIGINS: 'https://app.medyour.test' });
});
afterAll(async () => {
  await t.close();
});

type Parameter = { name: string; in: string; schema: Record<string, unknown> };
type Operation = {
  summary?: string;
  description?: string;
  security?: unknown[];
  responses: Record<string, unknown>;
  requestBody?: unknown;
};

describe('OpenAPI document', () => {
  it('documents every route with a summary, its auth and its error statuses', async () => {
    const res = await t.http.get('/docs-json');
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, Operation>>;
    const operations = Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.summary, where).toBeTruthy();
      const isPublic = op.description?.startsWith('Public.');
      if (!isPublic) {
        expect(op.description, where).toMatch(/Requires permission `[a-z]+:[a-z]+`/);
        expect(op.security, where).toBeDefined();
        expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['401', '403']));
      }
      expect(Object.keys(op.responses), where).toContain('400');
      for (const [status, response] of Object.entries(op.responses) as [
        string,
        { content?: Record<string, unknown> },
      ][]) {
        if (Number(status) >= 400)
          expect(Object.keys(response.content ?? {}), `${where} ${status}`).toEqual(['application/problem+json']);
      }
    }
    for (const p of [
      '/v1/auth/register',
      '/v1/auth/login',
      '/v1/auth/refresh',
      '/v1/auth/logout',
      '/v1/auth/logout-all',
      '/v1/auth/otp/request',
      '/v1/auth/otp/verify',
      '/v1/auth/password/forgot',
      '/v1/auth/password/reset',
      '/v1/auth/email/request',
      '/v1/auth/email/verify',
      '/v1/me',
      '/v1/me/password',
      '/v1/admin/users',
      '/v1/admin/staff',
      '/v1/admin/users/{id}/roles',
      '/v1/admin/doctors/{id}/approve',
      '/v1/admin/users/{id}/suspend',
    ]) {
      expect(paths, p).toHaveProperty([p]);
    }
    // zod limits reach the document
    const register = paths['/v1/auth/register'].post.requestBody as {
      content: Record<
        string,
        { schema: { properties: Record<string, { maxLength?: number }>; additionalProperties?: boolean } }
      >;
    };
    const schema = register.content['application/json'].schema;
    expect(schema.properties.name.maxLength).toBe(120);
    expect(schema.additionalProperties).toBe(false);
  });

  it('tells generators the truth: no-token operations, servers, names, numbers, bounds', async () => {
    const doc = (await t.http.get('/docs-json')).body as {
      servers: { url: string }[];
      info: { license?: { name: string }; contact?: { email?: string } };
      paths: Record<string, Record<string, Operation & { operationId?: string; parameters?: Parameter[] }>>;
    };
    expect(doc.servers).toEqual([{ url: 'http://localhost:3000' }]);
    expect(doc.info.license?.name).toBe('MIT');
    expect(doc.info.contact?.email).toBeTruthy();
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        // A public operation says "no token" explicitly; others name the bearer scheme.
        if (op.description?.startsWith('Public.')) expect(op.security, where).toEqual([]);
        else expect(op.security, where).toEqual([{ bearer: [] }]);
        expect(op.operationId, where).toMatch(/^[a-z][a-zA-Z]+$/);
        expect(ids.has(op.operationId!), `${where} repeats ${op.operationId}`).toBe(false);
        ids.add(op.operationId!);
      }
    }
    expect(doc.paths['/v1/products'].get.operationId).toBe('listProducts');
    expect(doc.paths['/v1/products/{id}'].get.operationId).toBe('getProduct');
    expect(doc.paths['/v1/branches/{id}'].get.operationId).toBe('getBranch');
    expect(doc.paths['/v1/auth/login'].post.operationId).toBe('login');
    // Coordinates arrive as text but are numbers: a generated client takes `lat: number`.
    const lat = doc.paths['/v1/branches'].get.parameters!.find((p) => p.name === 'lat')!;
    expect(lat.schema).toMatchObject({ type: 'number', minimum: -90, maximum: 90 });
    expect(lat.schema).not.toHaveProperty('pattern');
    // A yes/no filter is a boolean (sent as its text), not the strings 'true' | 'false'.
    const rx = doc.paths['/v1/products'].get.parameters!.find((p) => p.name === 'rx')!;
    expect(rx.schema).toEqual({ type: 'boolean' });
    // zod's ±2^53 integer bounds are not documented; real ones are.
    expect(JSON.stringify(doc)).not.toContain(String(Number.MAX_SAFE_INTEGER));
    const limit = doc.paths['/v1/branches'].get.parameters!.find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
  });

  it('names PUBLIC_URL in servers', async () => {
    const other = await bootTestApp({ PUBLIC_URL: 'https://api.medyour.test/' });
    try {
      expect((await other.http.get('/docs-json')).body.servers).toEqual([{ url: 'https://api.medyour.test' }]);
    } finally {
      await other.close();
    }
  });

  it('serves the interactive docs', async () => {
    const res = await t.http.get('/docs');
    expect(res.status).toBe(200);
    expect(String(res.body)).toContain('swagger');
  });
});

describe('CORS', () => {
  it('allows only configured origins', async () => {
    const ok = await t.http.request('GET', '/health/live', { headers: { origin: 'https://app.medyour.test' } });
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.medyour.test');
    const other = await t.http.request('GET', '/health/live', { headers: { origin: 'https://evil.test' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
