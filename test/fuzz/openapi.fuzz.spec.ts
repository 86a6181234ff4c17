import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp } from '../setup/app.js';
import { ResponseSchemas, violations } from './support/checks.js';
import { FUZZ_RUNS, FUZZ_SEED, FUZZ_VERBOSE } from './support/config.js';
import { craftedCursors, cursorExamples } from './support/cursors.js';
import { bodyKind, buildValid, HINTS, slotsOf } from './support/hints.js';
import { applyMutations, mutationArb, sweep } from './support/mutations.js';
import { listOperations, type OpenApiDoc } from './support/openapi.js';
import { send } from './support/request.js';
import { World } from './support/world.js';
import { fuzzStripe } from './support/gateway.js';

/**
 * Every operation in the OpenAPI document: one valid request that must succeed, then FUZZ_RUNS requests
 * with one to three mutations each (see support/mutations.ts) that must keep the contract in
 * support/checks.ts. Run with FUZZ_SEED=<seed printed on failure> to replay; `npm run fuzz` runs longer.
 * The harness boots with high rate limits (bootTestApp's default), so 429 only appears if a limit is broken.
 */
// With a card gateway (a local fake Stripe), so the card routes have valid requests that succeed.
await fuzzStripe.start();
const t = await bootTestApp(fuzzStripe.env());
const doc = (await t.http.get('/docs-json')).body as OpenApiDoc;
const operations = listOperations(doc);
const exercised = new Set<string>();
let world: World;
let schemas: ResponseSchemas;
// Read after the boot: every module has declared its cursor shapes by then.
const cursors = craftedCursors();

beforeAll(async () => {
  console.info(`openapi fuzz: seed=${FUZZ_SEED} runs=${FUZZ_RUNS} operations=${operations.length}`);
  world = await World.create(t);
  schemas = new ResponseSchemas(doc);
});
afterAll(async () => {
  await t.close();
  await fuzzStripe.stop();
});

describe('OpenAPI fuzz', () => {
  it.each(operations.map((op, i) => [op.key, op, i] as const))(
    '%s',
    async (_key, op, index) => {
      const slots = slotsOf(op, doc);
      const valid = await buildValid(op, doc, world);
      const baseline = await send(t.app, valid);
      expect(violations(op, baseline, schemas, new Set()), `valid request ${baseline.url}`).toEqual([]);
      expect(
        baseline.res.status,
        `a valid ${op.key} must succeed; add a hint in test/fuzz/support/hints.ts (${baseline.text.slice(0, 300)})`,
      ).toBeLessThan(300);

      // Every list route takes every well-formed, out-of-range cursor (support/cursors.ts), each one sent:
      // fast-check counts examples within numRuns, so they would be cut short there.
      for (const ms of cursorExamples(op, doc, slots, cursors)) {
        const { req, allowed } = applyMutations(await buildValid(op, doc, world), ms);
        const sent = await send(t.app, req);
        const problems = violations(op, sent, schemas, allowed);
        if (problems.length > 0)
          throw new Error(
            `crafted cursor: ${req.method} ${sent.url.slice(0, 300)} → ${sent.res.status}: ${problems.join('; ')}`,
          );
      }

      const mutations = fc.array(mutationArb(slots, { otherIds: world.otherIds() }, bodyKind(op)), {
        minLength: 1,
        maxLength: 3,
      });
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(mutations, async (ms) => {
          const { req, allowed } = applyMutations(await buildValid(op, doc, world), ms);
          const sent = await send(t.app, req);
          statuses.set(sent.res.status, (statuses.get(sent.res.status) ?? 0) + 1);
          const problems = violations(op, sent, schemas, allowed);
          const foreign = Object.values(req.params).some((v) => world.foreignIds().includes(v as string));
          if (foreign && HINTS[op.key]?.owned && sent.res.status < 300)
            problems.push("served another customer's object");
          if (problems.length > 0)
            throw new Error(
              `${req.method} ${sent.url.slice(0, 300)} → ${sent.res.status}: ${problems.join('; ')}\n` +
                `replay: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_RUNS} npx vitest run test/fuzz/openapi.fuzz.spec.ts -t '${op.key}'`,
            );
        }),
        { seed: FUZZ_SEED + index, numRuns: FUZZ_RUNS, examples: sweep(slots).map((ms) => [ms]) },
      );
      if (FUZZ_VERBOSE) console.info(op.key, Object.fromEntries(statuses));
      exercised.add(op.key);
    },
    30_000 + FUZZ_RUNS * 1_000,
  );

  it('crafts out-of-range cursors from every declared cursor shape, and every list route takes them', () => {
    expect(cursors.length).toBeGreaterThan(20);
    const lists = operations.filter((op) => op.op.parameters?.some((p) => p.in === 'query' && p.name === 'cursor'));
    expect(lists.map((op) => op.key)).toEqual(expect.arrayContaining(['GET /v1/products', 'GET /v1/offers']));
    for (const op of lists) expect(cursorExamples(op, doc, slotsOf(op, doc), cursors).length).toBeGreaterThan(0);
  });

  it('exercised every operation of the document', () => {
    expect(operations.length).toBeGreaterThan(0);
    expect([...exercised].sort()).toEqual(operations.map((o) => o.key).sort());
  });
});
