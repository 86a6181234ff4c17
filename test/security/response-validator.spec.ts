import { describe, expect, it } from 'vitest';
import { deniedFieldsIn, ResponseValidator } from './response-validator.js';

const doc = {
  components: {
    schemas: {
      Problem: {
        type: 'object',
        properties: { type: { type: 'string' }, status: { type: 'number' }, code: { type: 'string' } },
        required: ['type', 'status', 'code'],
      },
    },
  },
  paths: {
    '/v1/things/{id}': {
      get: {
        responses: {
          '200': {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { id: { type: 'string' }, note: { type: 'string', nullable: true } },
                  required: ['id'],
                },
              },
            },
          },
          '404': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        },
      },
    },
  },
};

describe('ResponseValidator', () => {
  const v = new ResponseValidator(doc);
  const json = 'application/json';
  const problem = 'application/problem+json';

  it('accepts a documented response and a problem+json error', () => {
    expect(v.check('GET', '/v1/things/1?x=1', 200, json, { id: '1', note: null })).toEqual([]);
    expect(v.check('GET', '/v1/things/1', 404, problem, { type: 't', status: 404, code: 'c' })).toEqual([]);
  });

  it('refuses unknown properties, undocumented statuses and operations, and plain-JSON errors', () => {
    expect(v.check('GET', '/v1/things/1', 200, json, { id: '1', extra: true })[0]).toMatch(/does not match/);
    expect(v.check('GET', '/v1/things/1', 201, json, { id: '1' })[0]).toMatch(/not documented/);
    expect(v.check('POST', '/v1/things/1', 200, json, {})[0]).toMatch(/undocumented operation/);
    expect(v.check('GET', '/v1/things/1', 400, json, { message: 'x' })[0]).toMatch(/not problem\+json/);
    expect(v.check('GET', '/v1/things/1', 404, problem, { status: 404 })[0]).toMatch(/problem body invalid/);
  });

  it('finds denied field names at any depth', () => {
    expect(deniedFieldsIn({ user: { passwordHash: 'x', items: [{ settlementPriceMinor: 1 }] } })).toEqual([
      '$.user.passwordHash',
      '$.user.items[0].settlementPriceMinor',
    ]);
    expect(v.check('GET', '/v1/things/1', 200, json, { id: '1', secret: 's' }).join()).toMatch(
      /denied field \$\.secret/,
    );
    expect(deniedFieldsIn({ accessToken: 'a', refreshToken: 'r', code: 'auth/x' })).toEqual([]);
  });
});
