import {
  BRANCH_SCOPED_ROLES,
  ROLE_PERMISSIONS,
  type Permission,
  type RoleName,
  type StaffRole,
} from './permissions.js';

export type AccountType = 'customer' | 'doctor' | 'staff';

export interface RoleGrant {
  role: RoleName;
  branchId: string | null;
}

export interface UserActor {
  kind: 'user';
  userId: string;
  sessionId: string;
  accountType: AccountType;
  roles: RoleGrant[];
  permissions: ReadonlySet<Permission>;
  /** Per permission: null = every branch, else the branches where it holds. */
  branchScopes: ReadonlyMap<Permission, ReadonlySet<string> | null>;
}

export interface SystemActor {
  kind: 'system';
  name: string;
}

export type Actor = UserActor | SystemActor;

export function buildUserActor(input: {
  userId: string;
  sessionId: string;
  accountType: AccountType;
  roles: RoleGrant[];
}): UserActor {
  const permissions = new Set<Permission>();
  const scopes = new Map<Permission, Set<string> | null>();
  // Every account may manage itself; staff hold the self-service permissions of a customer account.
  const implicit: RoleName = input.accountType === 'staff' ? 'customer' : input.accountType;
  const grants: RoleGrant[] = [{ role: implicit, branchId: null }, ...input.roles];
  for (const grant of grants) {
    const perms = ROLE_PERMISSIONS[grant.role] ?? [];
    const scoped = grant.branchId !== null && BRANCH_SCOPED_ROLES.includes(grant.role as StaffRole);
    for (const p of perms) {
      permissions.add(p);
      const current = scopes.get(p);
      if (current === null) continue;
      if (!scoped) scopes.set(p, null);
      else scopes.set(p, new Set([...(current ?? []), grant.branchId!]));
    }
  }
  return { kind: 'user', ...input, permissions, branchScopes: scopes };
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.kind === 'system' || actor.permissions.has(permission);
}

/** Whether the actor holds `permission` at `branchId` (branch-scoped roles act only on their branches). */
export function canAtBranch(actor: Actor, permission: Permission, branchId: string): boolean {
  if (actor.kind === 'system') return true;
  if (!actor.permissions.has(permission)) return false;
  const scope = actor.branchScopes.get(permission);
  return scope === null || scope === undefined || scope.has(branchId);
}

export const SYSTEM_ACTOR: SystemActor = { kind: 'system', name: 'system' };
