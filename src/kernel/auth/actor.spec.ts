import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, buildUserActor, can, canAtBranch, type AccountType, type RoleGrant } from './actor.js';
import { BRANCH_SCOPED_ROLES, PERMISSIONS, ROLE_PERMISSIONS, STAFF_ROLES, type Permission } from './permissions.js';

const B1 = '0190a0c8-0000-7000-8000-0000000000b1';
const B2 = '0190a0c8-0000-7000-8000-0000000000b2';
const SELF: Permission[] = [
  'profile:read',
  'profile:write',
  'files:read',
  'files:write',
  'wallet:read',
  'cart:read',
  'cart:write',
  'appointments:read',
  'appointments:write',
  'prescriptions:read',
  'support:use',
  'subscriptions:use',
];

const actor = (accountType: AccountType, roles: RoleGrant[] = []) =>
  buildUserActor({ userId: 'u1', sessionId: 's1', accountType, roles });

describe('permission matrix', () => {
  it('lists each permission once and gives every role only known permissions', () => {
    expect(new Set(PERMISSIONS).size).toBe(PERMISSIONS.length);
    for (const perms of Object.values(ROLE_PERMISSIONS)) for (const p of perms) expect(PERMISSIONS).toContain(p);
  });

  it('scopes only pharmacists and branch managers to branches', () => {
    expect([...BRANCH_SCOPED_ROLES].sort()).toEqual(['branch_manager', 'pharmacist']);
    for (const r of BRANCH_SCOPED_ROLES) expect(STAFF_ROLES).toContain(r);
  });
});

describe('buildUserActor', () => {
  it('keeps the identity fields', () => {
    const a = actor('customer');
    expect(a).toMatchObject({ kind: 'user', userId: 'u1', sessionId: 's1', accountType: 'customer', roles: [] });
  });

  it.each(['customer', 'doctor', 'staff'] as const)(
    'gives a %s exactly the self-service permissions (a doctor also their own practice), everywhere',
    (type) => {
      const a = actor(type);
      const expected: Permission[] = type === 'doctor' ? [...SELF, 'practice:write'] : SELF;
      expect([...a.permissions].sort()).toEqual([...expected].sort());
      for (const p of expected) expect(a.branchScopes.get(p)).toBeNull();
      expect(can(a, 'users:read')).toBe(false);
      expect(can(a, 'orders:read')).toBe(false);
    },
  );

  it('gives an admin every permission at every branch', () => {
    const a = actor('staff', [{ role: 'admin', branchId: null }]);
    for (const p of PERMISSIONS) {
      expect(can(a, p)).toBe(true);
      expect(canAtBranch(a, p, B1)).toBe(true);
    }
  });

  it('keeps an admin unscoped even when the grant names a branch', () => {
    const a = actor('staff', [{ role: 'admin', branchId: B1 }]);
    expect(canAtBranch(a, 'stock:adjust', B2)).toBe(true);
    expect(a.branchScopes.get('stock:adjust')).toBeNull();
  });

  it('limits a pharmacist with a branch to that branch', () => {
    const a = actor('staff', [{ role: 'pharmacist', branchId: B1 }]);
    expect(can(a, 'prescriptions:dispense')).toBe(true);
    expect(canAtBranch(a, 'prescriptions:dispense', B1)).toBe(true);
    expect(canAtBranch(a, 'prescriptions:dispense', B2)).toBe(false);
    expect(can(a, 'stock:write')).toBe(false);
    expect(canAtBranch(a, 'stock:write', B1)).toBe(false);
    // Self-service permissions stay global.
    expect(canAtBranch(a, 'profile:write', B2)).toBe(true);
  });

  it('lets a branch manager of two branches act at both, and only there', () => {
    const a = actor('staff', [
      { role: 'branch_manager', branchId: B1 },
      { role: 'branch_manager', branchId: B2 },
    ]);
    expect(canAtBranch(a, 'stock:adjust', B1)).toBe(true);
    expect(canAtBranch(a, 'stock:adjust', B2)).toBe(true);
    expect(canAtBranch(a, 'stock:adjust', 'other-branch')).toBe(false);
    expect([...(a.branchScopes.get('stock:adjust') ?? [])].sort()).toEqual([B1, B2]);
  });

  it('treats a branch-scoped role without a branch as acting everywhere', () => {
    const a = actor('staff', [{ role: 'pharmacist', branchId: null }]);
    expect(canAtBranch(a, 'prescriptions:verify', B2)).toBe(true);
  });

  it('does not scope roles that are not branch-scoped', () => {
    const a = actor('staff', [{ role: 'support_agent', branchId: B1 }]);
    expect(canAtBranch(a, 'tickets:write', B2)).toBe(true);
  });

  it('makes a permission unscoped when a scoped and an unscoped grant both hold it, in either order', () => {
    const scopedFirst = actor('staff', [
      { role: 'pharmacist', branchId: B1 },
      { role: 'support_agent', branchId: null },
    ]);
    const unscopedFirst = actor('staff', [
      { role: 'support_agent', branchId: null },
      { role: 'pharmacist', branchId: B1 },
    ]);
    for (const a of [scopedFirst, unscopedFirst]) {
      // orders:read is held by both roles: the unscoped grant wins.
      expect(a.branchScopes.get('orders:read')).toBeNull();
      expect(canAtBranch(a, 'orders:read', B2)).toBe(true);
      // prescriptions:verify comes only from the scoped grant.
      expect(canAtBranch(a, 'prescriptions:verify', B1)).toBe(true);
      expect(canAtBranch(a, 'prescriptions:verify', B2)).toBe(false);
    }
  });

  it('unions the permissions of several roles', () => {
    const a = actor('staff', [
      { role: 'catalog_manager', branchId: null },
      { role: 'support_agent', branchId: null },
    ]);
    for (const p of ['catalog:write', 'offers:write', 'tickets:read', 'users:read'] as const)
      expect(can(a, p)).toBe(true);
    expect(can(a, 'stock:adjust')).toBe(false);
  });
});

describe('system actor', () => {
  it('can do everything, everywhere', () => {
    expect(SYSTEM_ACTOR.kind).toBe('system');
    for (const p of PERMISSIONS) {
      expect(can(SYSTEM_ACTOR, p)).toBe(true);
      expect(canAtBranch(SYSTEM_ACTOR, p, B1)).toBe(true);
    }
  });
});
