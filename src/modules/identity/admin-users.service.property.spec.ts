import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BRANCH_SCOPED_ROLES, STAFF_ROLES, type StaffRole } from '../../kernel/auth/index.js';
import { grantsFor, nextGrants } from './admin-users.service.js';
import type { SetRolesBody } from './identity.dto.js';

const SEED = 20_240_611;
const BRANCHES = ['0190a0c8-0000-7000-8000-0000000000b1', '0190a0c8-0000-7000-8000-0000000000b2', 'b3'];
type Grant = { role: string; branchId: string | null };

const role = fc.constantFrom(...STAFF_ROLES);
const roles = fc.array(role, { maxLength: 7 });
// Repeats on purpose: nothing in the request schema makes branchIds unique.
const branchIds = fc.array(fc.constantFrom(...BRANCHES), { maxLength: 4 });
/** Current grants come from a table with UNIQUE (user, role, branch): no repeats. */
const current = fc.uniqueArray(fc.record({ role, branchId: fc.option(fc.constantFrom(...BRANCHES), { nil: null }) }), {
  selector: (g) => `${g.role}:${g.branchId}`,
  maxLength: 8,
});
const body: fc.Arbitrary<SetRolesBody> = fc.record(
  { roles, add: roles, remove: roles, branchIds },
  { requiredKeys: [] },
) as fc.Arbitrary<SetRolesBody>;

const key = (g: Grant) => `${g.role}:${g.branchId}`;
const keys = (gs: Grant[]) => gs.map(key);
const scoped = (r: StaffRole) => BRANCH_SCOPED_ROLES.includes(r);

describe('grantsFor', () => {
  it('grants every role once globally, or once per distinct branch when branch-scoped, never twice', () => {
    fc.assert(
      fc.property(roles, branchIds, (rs, bs) => {
        if (rs.some(scoped) && bs.length === 0) {
          expect(() => grantsFor(rs, bs)).toThrow(expect.objectContaining({ code: 'identity/branch-required' }));
          return;
        }
        const grants = grantsFor(rs, bs);
        expect(new Set(keys(grants)).size).toBe(grants.length);
        for (const r of new Set(rs)) {
          const mine = grants.filter((g) => g.role === r).map((g) => g.branchId);
          if (scoped(r)) expect(new Set(mine)).toEqual(new Set(bs));
          else expect(mine).toEqual([null]);
        }
        expect(grants.every((g) => rs.includes(g.role))).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('nextGrants', () => {
  it('has no duplicates, drops removed roles, always holds added ones, and keeps or replaces the rest', () => {
    fc.assert(
      fc.property(current, body, (now, b) => {
        // A branch-scoped role asked for without branches is refused (the grantsFor property above).
        fc.pre(!([...(b.roles ?? []), ...(b.add ?? [])].some(scoped) && (b.branchIds ?? []).length === 0));
        const next = nextGrants(now, b);
        expect(new Set(keys(next)).size).toBe(next.length);
        const added = grantsFor(b.add ?? [], b.branchIds);
        // `add` always wins: every grant it asks for is there.
        expect(keys(next)).toEqual(expect.arrayContaining(keys(added)));
        // `remove` wins over the current set (and over `roles`), unless the role is also added.
        for (const r of b.remove ?? [])
          if (!(b.add ?? []).includes(r)) expect(next.some((g) => g.role === r)).toBe(false);
        const base = b.roles !== undefined ? grantsFor(b.roles, b.branchIds) : now;
        // Nothing appears from nowhere.
        const possible = new Set([...keys(base), ...keys(added)]);
        expect(keys(next).every((k) => possible.has(k))).toBe(true);
        // What is neither removed nor replaced stays.
        for (const g of base) if (!(b.remove ?? []).includes(g.role as StaffRole)) expect(keys(next)).toContain(key(g));
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });
});
