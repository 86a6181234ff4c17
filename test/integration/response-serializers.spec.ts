import { ModulesContainer } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileResponseProjection, RESPONSE_SCHEMA } from '../../src/kernel/http/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';

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
          compiled.push(`${wrapper.name}.${name}`);
        }
      }
    }
    expect(compiled.length).toBeGreaterThan(40);
  });
});
