import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, buildUserActor } from './auth/actor.js';
import { AppError } from './errors/index.js';
import { defineMachine, findTransition, transition, type Allow } from './state-machine.js';

const STATES = ['s0', 's1', 's2', 's3', 's4', 's5'] as const;
type S = (typeof STATES)[number];
const ALLOWS: Allow[] = ['system', 'customer', 'users:write', 'orders:write'];
const ACTORS = [
  SYSTEM_ACTOR,
  buildUserActor({ userId: 'c', sessionId: 's', accountType: 'customer', roles: [] }),
  buildUserActor({ userId: 'a', sessionId: 's', accountType: 'staff', roles: [{ role: 'admin', branchId: null }] }),
  buildUserActor({
    userId: 'p',
    sessionId: 's',
    accountType: 'staff',
    roles: [{ role: 'pharmacist', branchId: null }],
  }),
];

/** A random table over a subset of the states (so some states are unreachable or dead ends). */
const machineArb = fc
  .uniqueArray(
    fc.record({
      from: fc.constantFrom(...STATES.slice(0, 4)),
      to: fc.constantFrom(...STATES.slice(0, 4)),
      allow: fc.subarray(ALLOWS, { minLength: 1 }),
    }),
    { selector: (t) => `${t.from}>${t.to}`, maxLength: 10 },
  )
  .map((ts) => ts.filter((t) => t.from !== t.to))
  .map((transitions) =>
    defineMachine<S>({ name: 'prop', states: ['s0', 's1', 's2', 's3'] as unknown as S[], transitions }),
  );

const attemptArb = fc.record({
  // Wanted states include ones outside the table, and a "stale read" of the current state.
  to: fc.constantFrom(...STATES),
  actor: fc.constantFrom(...ACTORS),
  staleFrom: fc.option(fc.constantFrom(...STATES), { nil: undefined }),
});

describe('state machine properties', () => {
  it('no sequence of attempted steps leaves the table: every move is a listed step by a listed actor', async () => {
    await fc.assert(
      fc.asyncProperty(machineArb, fc.array(attemptArb, { maxLength: 30 }), async (machine, attempts) => {
        let status: S = 's0';
        const store = {
          move: async (from: S, to: S) => (status === from ? ((status = to), to) : undefined),
          current: async () => status,
        };
        for (const a of attempts) {
          const before = status;
          const from = a.staleFrom ?? status;
          const result = await transition(machine, { from, to: a.to, actor: a.actor }, store).catch((e: unknown) => e);
          if (result instanceof AppError) {
            expect(status).toBe(before);
            expect([403, 404, 409]).toContain(result.status);
            continue;
          }
          // It moved: from the state it really was in, along a step of the table.
          expect(from).toBe(before);
          expect(findTransition(machine, before, a.to)).toBeDefined();
          expect(machine.states).toContain(status);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('of two steps taken from the same read, at most one moves the row', async () => {
    await fc.assert(
      fc.asyncProperty(machineArb, fc.constantFrom(...STATES), fc.constantFrom(...STATES), async (machine, x, y) => {
        let status: S = 's0';
        const store = {
          move: async (from: S, to: S) => (status === from ? ((status = to), to) : undefined),
          current: async () => status,
        };
        const actor = ACTORS[2];
        const results = await Promise.allSettled([
          transition(machine, { from: 's0', to: x, actor }, store),
          transition(machine, { from: 's0', to: y, actor }, store),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won.length).toBeLessThanOrEqual(1);
        if (won.length === 1) expect(status).toBe((won[0] as PromiseFulfilledResult<S>).value);
        else expect(status).toBe('s0');
      }),
      { numRuns: 300 },
    );
  });
});
