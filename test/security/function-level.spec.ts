import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { holds, matrixActors, type MatrixActor } from './actors.js';
import { documentedOperations, urlOf, type DocOperation } from './openapi-operations.js';

const SESSION_ENDING = new Set(['/v1/auth/logout', '/v1/auth/logout-all']);

let t: TestApp;
let ops: DocOperation[];
let actors: MatrixActor[];
beforeAll(async () => {
  t = await bootTestApp();
  ops = await documentedOperations(t);
  actors = await matrixActors(t);
});
afterAll(async () => {
  await t.close();
});

describe('function-level access, from the OpenAPI document', () => {
  it('covers every documented operation', () => {
    expect(ops.length).toBeGreaterThanOrEqual(22);
    console.log(`access matrix: ${ops.length} operations × ${actors.length + 1} actors`);
  });

  it('answers 401 to anonymous callers of every non-public operation', async () => {
    for (const op of ops.filter((o) => o.permission)) {
      const res = await t.http.request(op.method, urlOf(op), { body: op.method === 'GET' ? undefined : {} });
      expect(res.status, `${op.method} ${op.path}`).toBe(401);
      expect(res.body.code).toBe('auth/unauthenticated');
    }
  });

  it('answers 401 for a forged, expired-looking or garbage token', async () => {
    const op = ops.find((o) => o.path === '/v1/me' && o.method === 'GET')!;
    const [, payload] = actors[0].token.split('.');
    for (const token of ['garbage', `eyJhbGciOiJub25lIn0.${payload}.`, actors[0].token.slice(0, -4) + 'AAAA']) {
      expect((await t.http.request(op.method, urlOf(op), { token })).status).toBe(401);
    }
  });

  it('answers 403 to every actor whose roles lack the permission, and lets the others past the guard', async () => {
    const checked: string[] = [];
    for (const op of ops.filter((o) => o.permission)) {
      for (const actor of actors) {
        // Routes that end the caller's sessions get a session of their own.
        const token = SESSION_ENDING.has(op.path) ? await actor.fresh() : actor.token;
        const res = await t.http.request(op.method, urlOf(op), { body: op.method === 'GET' ? undefined : {}, token });
        const where = `${op.method} ${op.path} as ${actor.name}`;
        if (holds(actor.role, op.permission!)) {
          expect([401, 403], where).not.toContain(res.status);
        } else {
          expect(res.status, where).toBe(403);
          expect(res.body.code, where).toBe('auth/forbidden');
        }
        // logout-all ends every session, the actor's main one included.
        if (op.path === '/v1/auth/logout-all') actor.token = await actor.fresh();
        checked.push(where);
      }
    }
    expect(checked.length).toBe(ops.filter((o) => o.permission).length * actors.length);
  });
});
