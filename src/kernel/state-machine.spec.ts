import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, buildUserActor, type AccountType, type RoleGrant } from './auth/actor.js';
import { AppError } from './errors/index.js';
import { assertTransition, defineMachine, nextStates, transition, type StateStore } from './state-machine.js';

const B1 = '0190a0c8-0000-7000-8000-0000000000b1';
const B2 = '0190a0c8-0000-7000-8000-0000000000b2';
const user = (accountType: AccountType, roles: RoleGrant[] = []) =>
  buildUserActor({ userId: 'u1', sessionId: 's1', accountType, roles });
const admin = user('staff', [{ role: 'admin', branchId: null }]);
const pharmacistAtB1 = user('staff', [{ role: 'pharmacist', branchId: B1 }]);
const supportAgent = user('staff', [{ role: 'support_agent', branchId: null }]);

type S = 'draft' | 'open' | 'closed';
const machine = defineMachine<S>({
  name: 'test.ticket',
  states: ['draft', 'open', 'closed'],
  transitions: [
    { from: 'draft', to: 'open', allow: ['customer', 'orders:write'] },
    { from: 'open', to: 'closed', allow: ['system', 'prescriptions:verify'] },
  ],
});

const errorOf = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('did not throw');
};

/** A row in memory, moved the way the conditional update moves it. */
function memoryStore(state: { status: S | undefined }): StateStore<S, { status: S }> {
  return {
    move: async (from, to) => (state.status === from ? ((state.status = to), { status: to }) : undefined),
    current: async () => state.status,
  };
}

describe('defineMachine', () => {
  it('refuses unknown states, steps that stay put, duplicates and steps nobody may take', () => {
    const def = (transitions: { from: S; to: S; allow: 'system'[] }[]) => () =>
      defineMachine<S>({ name: 'm', states: ['draft', 'open', 'closed'], transitions });
    expect(() =>
      defineMachine<S>({
        name: 'm',
        states: ['draft'],
        transitions: [{ from: 'draft', to: 'open', allow: ['system'] }],
      }),
    ).toThrow(/unknown state/);
    expect(def([{ from: 'open', to: 'open', allow: ['system'] }])).toThrow(/does not change/);
    expect(
      def([
        { from: 'draft', to: 'open', allow: ['system'] },
        { from: 'draft', to: 'open', allow: ['system'] },
      ]),
    ).toThrow(/twice/);
    expect(def([{ from: 'draft', to: 'open', allow: [] }])).toThrow(/nobody/);
  });
});

describe('assertTransition', () => {
  it('answers the step from the table for an allowed actor', () => {
    expect(assertTransition(machine, 'draft', 'open', user('customer'))).toMatchObject({ from: 'draft', to: 'open' });
    expect(assertTransition(machine, 'draft', 'open', admin).to).toBe('open');
    expect(assertTransition(machine, 'open', 'closed', SYSTEM_ACTOR).to).toBe('closed');
  });

  it('is 409 common/illegal-transition for a step the table lacks, whoever asks', () => {
    for (const [from, to] of [
      ['draft', 'closed'],
      ['closed', 'open'],
      ['open', 'draft'],
    ] as const) {
      const err = errorOf(() => assertTransition(machine, from, to, admin));
      expect(err).toMatchObject({ code: 'common/illegal-transition', status: 409 });
      expect(err.details).toEqual({ machine: 'test.ticket', from, to });
    }
  });

  it('is 403 for an actor the step does not name; the system only where listed', () => {
    expect(errorOf(() => assertTransition(machine, 'draft', 'open', SYSTEM_ACTOR))).toMatchObject({
      code: 'auth/forbidden',
      status: 403,
    });
    expect(errorOf(() => assertTransition(machine, 'draft', 'open', user('doctor'))).status).toBe(403);
    expect(errorOf(() => assertTransition(machine, 'open', 'closed', user('customer'))).status).toBe(403);
    expect(errorOf(() => assertTransition(machine, 'open', 'closed', supportAgent)).status).toBe(403);
  });

  it('checks a branch-scoped permission at the subject branch', () => {
    expect(assertTransition(machine, 'open', 'closed', pharmacistAtB1, B1).to).toBe('closed');
    expect(errorOf(() => assertTransition(machine, 'open', 'closed', pharmacistAtB1, B2)).status).toBe(403);
    expect(assertTransition(machine, 'open', 'closed', admin, B2).to).toBe('closed');
  });

  it('lists the next states an actor may choose', () => {
    expect(nextStates(machine, 'draft', user('customer'))).toEqual(['open']);
    expect(nextStates(machine, 'draft', SYSTEM_ACTOR)).toEqual([]);
    expect(nextStates(machine, 'closed', admin)).toEqual([]);
  });
});

describe('transition', () => {
  it('moves the row and runs the hooks in order around it', async () => {
    const calls: string[] = [];
    const hooked = defineMachine<S>({
      ...machine,
      hooks: { before: () => void calls.push('machine.before'), after: () => void calls.push('machine.after') },
    });
    const row = { status: 'draft' as S | undefined };
    const store = memoryStore(row);
    const moved = await transition(hooked, { from: 'draft', to: 'open', actor: admin }, store, {
      before: () => void calls.push(`call.before:${row.status}`),
      after: (_step, m) => void calls.push(`call.after:${m.status}`),
    });
    expect(moved).toEqual({ status: 'open' });
    expect(calls).toEqual(['machine.before', 'call.before:draft', 'machine.after', 'call.after:open']);
  });

  it('does not touch the row when the table or a before hook refuses', async () => {
    const row = { status: 'draft' as S | undefined };
    await expect(
      transition(machine, { from: 'draft', to: 'closed', actor: admin }, memoryStore(row)),
    ).rejects.toMatchObject({ code: 'common/illegal-transition' });
    const veto = () => {
      throw AppError.conflict('test/vetoed', 'no');
    };
    await expect(
      transition(machine, { from: 'draft', to: 'open', actor: admin }, memoryStore(row), { before: veto }),
    ).rejects.toMatchObject({ code: 'test/vetoed' });
    expect(row.status).toBe('draft');
  });

  it('after a lost race: conflict when the step is still legal from where the winner left it, else illegal', async () => {
    // The caller read `draft`; a concurrent step moved the row on before our conditional update ran.
    const lost = async (current: S | undefined, from: S, to: S) =>
      transition(machine, { from, to, actor: admin }, memoryStore({ status: current })).catch((e: AppError) => e);
    // Read draft, wants draft -> open, but another actor already opened it, and open -> open is not a step.
    expect(await lost('open', 'draft', 'open')).toMatchObject({
      code: 'common/illegal-transition',
      details: { from: 'open', to: 'open' },
    });
    // Read open, wants open -> closed; the row went back to draft (not via this table, but possible elsewhere).
    expect(await lost('closed', 'open', 'closed')).toMatchObject({ code: 'common/illegal-transition', status: 409 });
    expect(await lost(undefined, 'open', 'closed')).toMatchObject({ code: 'common/not-found', status: 404 });
    // Still in `from` but the store's other conditions failed: a conflict the caller may retry.
    const stuck: StateStore<S, { status: S }> = { move: async () => undefined, current: async () => 'draft' };
    await expect(transition(machine, { from: 'draft', to: 'open', actor: admin }, stuck)).rejects.toMatchObject({
      code: 'common/transition-conflict',
      status: 409,
      details: { from: 'draft', to: 'open', current: 'draft' },
    });
  });

  it('is a transition-conflict when the winner left a state from which the step is still allowed', async () => {
    type T = 'a' | 'b' | 'c';
    const m = defineMachine<T>({
      name: 'test.abc',
      states: ['a', 'b', 'c'],
      transitions: [
        { from: 'a', to: 'c', allow: ['system'] },
        { from: 'a', to: 'b', allow: ['system'] },
        { from: 'b', to: 'c', allow: ['system'] },
      ],
    });
    const store: StateStore<T, T> = { move: async () => undefined, current: async () => 'b' };
    await expect(transition(m, { from: 'a', to: 'c', actor: SYSTEM_ACTOR }, store)).rejects.toMatchObject({
      code: 'common/transition-conflict',
      details: { machine: 'test.abc', from: 'a', to: 'c', current: 'b' },
    });
  });
});
