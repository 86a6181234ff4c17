import { describe, expect, it } from 'vitest';
import { buildUserActor, canAtBranch } from '../../kernel/auth/index.js';
import { grantsFor, nextGrants } from './admin-users.service.js';

const B1 = '0190a0c8-0000-7000-8000-0000000000b1';
const B2 = '0190a0c8-0000-7000-8000-0000000000b2';

describe('grantsFor', () => {
  it('gives branch-scoped roles one grant per branch', () => {
    expect(grantsFor(['pharmacist'], [B1, B2])).toEqual([
      { role: 'pharmacist', branchId: B1 },
      { role: 'pharmacist', branchId: B2 },
    ]);
  });

  it('gives other roles one global grant even when branches are named', () => {
    expect(grantsFor(['admin', 'support_agent', 'catalog_manager'], [B1])).toEqual([
      { role: 'admin', branchId: null },
      { role: 'support_agent', branchId: null },
      { role: 'catalog_manager', branchId: null },
    ]);
  });

  it('refuses a branch-scoped role when no branch is named (never "every branch")', () => {
    expect(() => grantsFor(['branch_manager'])).toThrow(expect.objectContaining({ code: 'identity/branch-required' }));
    expect(() => grantsFor(['pharmacist', 'admin'], [])).toThrow(
      expect.objectContaining({ code: 'identity/branch-required' }),
    );
  });

  it('mixes scoped and global roles and collapses repeated roles', () => {
    expect(grantsFor(['pharmacist', 'support_agent', 'pharmacist'], [B1])).toEqual([
      { role: 'pharmacist', branchId: B1 },
      { role: 'support_agent', branchId: null },
    ]);
  });

  it('returns no grants for no roles', () => {
    expect(grantsFor([], [B1])).toEqual([]);
  });

  it('produces grants that limit the actor to the named branches', () => {
    const actor = buildUserActor({
      userId: 'u',
      sessionId: 's',
      accountType: 'staff',
      roles: grantsFor(['pharmacist'], [B1]),
    });
    expect(canAtBranch(actor, 'prescriptions:dispense', B1)).toBe(true);
    expect(canAtBranch(actor, 'prescriptions:dispense', B2)).toBe(false);
  });
});

describe('nextGrants', () => {
  const current = [
    { role: 'support_agent', branchId: null },
    { role: 'pharmacist', branchId: 'b1' },
  ];

  it('replaces the set when roles is given', () => {
    expect(nextGrants(current, { roles: ['catalog_manager'] })).toEqual([{ role: 'catalog_manager', branchId: null }]);
  });

  it('adds and removes on top of the current grants, without duplicates', () => {
    expect(nextGrants(current, { add: ['pharmacist'], branchIds: ['b1', 'b2'] })).toEqual([
      { role: 'support_agent', branchId: null },
      { role: 'pharmacist', branchId: 'b1' },
      { role: 'pharmacist', branchId: 'b2' },
    ]);
    expect(nextGrants(current, { remove: ['pharmacist'] })).toEqual([{ role: 'support_agent', branchId: null }]);
  });

  it('applies remove after a replacement and add last', () => {
    expect(
      nextGrants(current, { roles: ['admin', 'support_agent'], remove: ['support_agent'], add: ['catalog_manager'] }),
    ).toEqual([
      { role: 'admin', branchId: null },
      { role: 'catalog_manager', branchId: null },
    ]);
  });
});
