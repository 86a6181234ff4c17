import { ModulesContainer } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileResponseProjection, RESPONSE_SCHEMA } from '../../src/kernel/http/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';

const SAYS = ['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const'];

/** Paths of the nodes of a JSON Schema that constrain nothing (every value passes them). */
function passThrough(node: unknown, path = '', out: string[] = []): string[] {
  if (!node || typeof node !== 'object') return out;
  const n = node as Record<string, unknown>;
  const isSchemaRoot = path === '' && (n.definitions || n.$defs);
  if (!isSchemaRoot && !SAYS.some((k) => k in n)) out.push(path || '(root)');
  for (const [key, value] of Object.entries(n)) {
    if (key === 'properties' || key === 'definitions' || key === '$defs')
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) passThrough(v, `${path}.${k}`, out);
    else if (key === 'items' || key === 'additionalProperties') passThrough(value, `${path}[]`, out);
    else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf')
      (value as unknown[]).forEach((v, i) => passThrough(v, `${path}|${i}`, out));
  }
  return out;
}

/** Every route's response schema compiles into a serialiser (done lazily at run time, proven here at once). */
describe('response serialisers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('compile for every route that declares a response schema', () => {
    const compiled: string[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const proto = Object.getPrototypeOf(wrapper.instance) as Record<string, unknown>;
        for (const name of Object.getOwnPropertyNames(proto)) {
          const handler = proto[name];
          if (typeof handler !== 'function' || name === 'constructor') continue;
          // @Route puts the schema in the Fastify route config (@nestjs/platform-fastify's RouteConfig metadata).
          const config = Reflect.getMetadata('__fastify_route_config__', handler) as
            Record<string, unknown> | undefined;
          const schema = config?.[RESPONSE_SCHEMA];
          // A route documenting a JSON success body has its schema in the config, whatever else sets the
          // config (@AcceptsCsv over @Route replaced it, and the CSV import's answer went out uncut).
          const documented = Reflect.getMetadata('swagger/apiResponse', handler) as
            Record<string, { description?: string }> | undefined;
          if (Object.values(documented ?? {}).some((r) => r.description === 'Success')) {
            expect(schema, `${wrapper.name}.${name}`).toBeInstanceOf(z.ZodType);
          }
          if (!(schema instanceof z.ZodType)) continue;
          expect(() => compileResponseProjection(schema), `${wrapper.name}.${name}`).not.toThrow();
          // A node that says nothing of its value (z.unknown(), z.any(), a transform's output) would let
          // anything through uncut: an answer declares what it holds.
          const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' });
          expect(passThrough(json), `${wrapper.name}.${name}`).toEqual([]);
          compiled.push(`${wrapper.name}.${name}`);
        }
      }
    }
    expect(compiled.length).toBeGreaterThan(40);
    // The check itself finds such a node.
    expect(passThrough(z.toJSONSchema(z.object({ details: z.unknown(), n: z.number() })))).toEqual(['.details']);
  });
});
