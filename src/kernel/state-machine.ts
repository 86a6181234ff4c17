import { canAtBranch, type AccountType, type Actor } from './auth/actor.js';
import type { Permission } from './auth/permissions.js';
import { AppError } from './errors/index.js';

/**
 * Who may take a step: a permission (a user holding it; branch-scoped when the step names a branch), an
 * account type (a customer acting on what is theirs; ownership is the service's check), or `system` (jobs).
 * The system actor is allowed only where the table says so: a job must not do what no job is meant to do.
 */
export type Allow = Permission | AccountType | 'system';

export interface Transition<S extends string> {
  from: S;
  to: S;
  allow: readonly Allow[];
}

/** One step being taken. `branchId`: the branch the subject belongs to, for branch-scoped permissions. */
export interface Step<S extends string> {
  from: S;
  to: S;
  actor: Actor;
  branchId?: string;
}

/**
 * Around a step (after Vendure's onTransitionStart/End). `before` runs after the table allowed the step and
 * before the row moves: throw an AppError to veto. `after` runs once the row moved, in the same
 * transaction: write the event and the audit row there, so they commit or roll back with the change.
 */
export interface Hooks<S extends string, R> {
  before?(step: Step<S>): void | Promise<void>;
  after?(step: Step<S>, moved: R): void | Promise<void>;
}

export interface StateMachine<S extends string> {
  /** Names the lifecycle in errors (`identity.account`, `inventory.reservation`). */
  name: string;
  states: readonly S[];
  transitions: readonly Transition<S>[];
  /** Around every step of this lifecycle, before the call's own hooks. */
  hooks?: Hooks<S, unknown>;
}

/**
 * The repository's side of a step, bound to one subject and the caller's transaction. `move` is the
 * conditional update `UPDATE ... SET status = to WHERE id = $id AND status = from RETURNING ...` (see
 * `src/db/transitions.ts`): it answers what moved, or undefined when no row was in `from`. `current` reads
 * the state after such a miss (undefined: the subject is gone).
 */
export interface StateStore<S extends string, R> {
  move(from: S, to: S): Promise<R | undefined>;
  current(): Promise<S | undefined>;
}

/** Declares a lifecycle; a table naming an unknown state or the same step twice fails at load time. */
export function defineMachine<const S extends string>(machine: StateMachine<S>): StateMachine<S> {
  const known = new Set<string>(machine.states);
  const seen = new Set<string>();
  for (const t of machine.transitions) {
    if (!known.has(t.from) || !known.has(t.to))
      throw new Error(`${machine.name}: ${t.from} -> ${t.to} names an unknown state`);
    if (t.from === t.to) throw new Error(`${machine.name}: ${t.from} -> ${t.to} does not change state`);
    const key = `${t.from}>${t.to}`;
    if (seen.has(key)) throw new Error(`${machine.name}: ${t.from} -> ${t.to} is declared twice`);
    if (t.allow.length === 0) throw new Error(`${machine.name}: ${t.from} -> ${t.to} allows nobody`);
    seen.add(key);
  }
  return Object.freeze({ ...machine, states: [...machine.states], transitions: [...machine.transitions] });
}

export function findTransition<S extends string>(machine: StateMachine<S>, from: S, to: S): Transition<S> | undefined {
  return machine.transitions.find((t) => t.from === from && t.to === to);
}

export function mayTake(transition: Transition<string>, actor: Actor, branchId?: string): boolean {
  return transition.allow.some((a) => {
    if (a === 'system') return actor.kind === 'system';
    if (actor.kind !== 'user') return false;
    if (!a.includes(':')) return actor.accountType === a;
    const permission = a as Permission;
    return branchId === undefined ? actor.permissions.has(permission) : canAtBranch(actor, permission, branchId);
  });
}

/** The states `actor` may move a subject to from `from` (for "what can I do next" answers). */
export function nextStates<S extends string>(machine: StateMachine<S>, from: S, actor: Actor, branchId?: string): S[] {
  return machine.transitions.filter((t) => t.from === from && mayTake(t, actor, branchId)).map((t) => t.to);
}

export const illegalTransition = (machine: string, from: string, to: string) =>
  AppError.conflict('common/illegal-transition', `${machine} cannot go from ${from} to ${to}`, {
    machine,
    from,
    to,
  });

/**
 * Pure: throws `common/illegal-transition` (409, details: machine, from, to) when the table has no such step,
 * `auth/forbidden` (403) when it has one but not for this actor. Returns the step from the table.
 */
export function assertTransition<S extends string>(
  machine: StateMachine<S>,
  from: S,
  to: S,
  actor: Actor,
  branchId?: string,
): Transition<S> {
  const transition = findTransition(machine, from, to);
  if (!transition) throw illegalTransition(machine.name, from, to);
  if (!mayTake(transition, actor, branchId)) throw AppError.forbidden();
  return transition;
}

/**
 * Takes one step: checks the table, runs `before` hooks (machine, then call), moves the row conditionally,
 * runs `after` hooks, and answers what moved. Call it inside the transaction the store is bound to.
 *
 * When the row was no longer in `from` (a concurrent step won), nothing was written and the error says so:
 * `common/transition-conflict` (409, details: from, to, current) if the step is still legal from the state
 * the winner left (the caller may re-read and retry), else `common/illegal-transition` from that state.
 */
export async function transition<S extends string, R>(
  machine: StateMachine<S>,
  step: Step<S>,
  store: StateStore<S, R>,
  hooks: Hooks<S, R> = {},
): Promise<R> {
  assertTransition(machine, step.from, step.to, step.actor, step.branchId);
  await machine.hooks?.before?.(step);
  await hooks.before?.(step);
  const moved = await store.move(step.from, step.to);
  if (moved === undefined) {
    const current = await store.current();
    if (current === undefined) throw AppError.notFound();
    // Still in `from`: another condition of the store's update did not hold; the step may be retried.
    if (current !== step.from && !findTransition(machine, current, step.to))
      throw illegalTransition(machine.name, current, step.to);
    throw AppError.conflict('common/transition-conflict', `${machine.name} changed from ${step.from} to ${current}`, {
      machine: machine.name,
      from: step.from,
      to: step.to,
      current,
    });
  }
  await machine.hooks?.after?.(step, moved);
  await hooks.after?.(step, moved);
  return moved;
}
