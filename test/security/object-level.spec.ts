import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { registerUser } from '../factories/user.factory.js';
import { documentedOperations, urlOf, type DocOperation } from './openapi-operations.js';
import { LIST_ROUTES, OBJECT_ROUTES, type OwnedResource } from './resources.js';

let t: TestApp;
let ops: DocOperation[];
beforeAll(async () => {
  t = await bootTestApp();
  ops = await documentedOperations(t);
});
afterAll(async () => {
  await t.close();
});

const key = (op: DocOperation) => `${op.method} ${op.path}`;
const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });

describe('object-level access', () => {
  it('has a registration for every operation with a path parameter, and for every list', async () => {
    const withParams = ops.filter((o) => o.pathParams.length > 0).map(key);
    expect(
      withParams.filter((k) => !(k in OBJECT_ROUTES)),
      'register these in test/security/resources.ts',
    ).toEqual([]);
    expect(
      Object.keys(OBJECT_ROUTES).filter((k) => !withParams.includes(k)),
      'stale registrations',
    ).toEqual([]);
    const doc = (await t.http.get('/docs-json')).body;
    const lists = ops
      .filter((o) => o.method === 'GET')
      .filter((o) => {
        const schema = doc.paths[o.path].get.responses['200']?.content?.['application/json']?.schema;
        const isPage = (s?: { properties?: Record<string, unknown> }) =>
          s?.properties?.items && s?.properties?.nextCursor;
        // A page, or an object carrying one (a wallet's balance with its history).
        return isPage(schema) || Object.values(schema?.properties ?? {}).some((p) => isPage(p as typeof schema));
      })
      .map(key);
    expect(
      lists.filter((k) => !(k in LIST_ROUTES)),
      'register these lists in test/security/resources.ts',
    ).toEqual([]);
  });

  it("answers another customer's object exactly like a missing one, changes nothing, and audits the denial", async () => {
    // A doctor's objects (time off) are made by a doctor and probed by another doctor.
    const people = {
      customer: { owner: await registerUser(t), intruder: await registerUser(t) },
      doctor: { owner: await registerUser(t, { type: 'doctor' }), intruder: await registerUser(t, { type: 'doctor' }) },
    };
    let cases = 0;
    for (const op of ops) {
      const entry = OBJECT_ROUTES[key(op)];
      if (!entry || 'exempt' in entry) continue;
      const resource = entry as OwnedResource;
      const { owner, intruder } = people[resource.owner ?? 'customer'];
      const params = await resource.create(t, owner.accessToken);
      const before = await resource.snapshot(t, params);
      const body = op.method === 'GET' ? undefined : {};
      const mine = await t.http.request(op.method, urlOf(op, params), { body, token: owner.accessToken });
      expect(mine.status, `${key(op)} as owner`).toBeLessThan(400);
      const theirs = await t.http.request(op.method, urlOf(op, params), { body, token: intruder.accessToken });
      const missing = await t.http.request(op.method, urlOf(op), { body, token: intruder.accessToken });
      expect(theirs.status, key(op)).toBe(404);
      expect(strip(theirs.body)).toEqual(strip(missing.body));
      expect(await resource.snapshot(t, params)).toEqual(before);
      const audit = (await t.database.db.execute(
        sql`select actor_id, outcome, ip, request_id from audit_log where action = 'access.denied' and subject_id = ${Object.values(params)[0]}`,
      )) as unknown as { rows: { actor_id: string; outcome: string; ip: string; request_id: string }[] };
      expect(audit.rows).toEqual([
        { actor_id: intruder.user.id, outcome: 'denied', ip: '127.0.0.1', request_id: theirs.body.requestId },
      ]);
      cases++;
    }
    console.log(`object-level cases: ${cases}`);
    expect(cases).toBeGreaterThan(0);
  });

  it('runs the list checks each list registers', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    for (const check of Object.values(LIST_ROUTES))
      if (typeof check === 'function') await check(t, a.accessToken, b.accessToken);
  });
});
