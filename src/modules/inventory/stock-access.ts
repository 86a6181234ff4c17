import { Injectable } from '@nestjs/common';
import { canAtBranch, type Permission, type UserActor } from '../../kernel/auth/index.js';
import type { DbOrTx } from '../../db/client.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import { BranchesService, branchNotFound, type BranchRecord } from '../branches/index.js';
import { InventoryErrors } from './inventory.errors.js';

/**
 * Branch-scoped staff act on their branches only. The permission is checked before the branch is looked up,
 * so an answer never tells a pharmacist of one branch whether another branch id exists; the refusal is
 * audited like the guard's.
 */
@Injectable()
export class StockAccess {
  constructor(
    private readonly branches: BranchesService,
    private readonly audit: AuditService,
  ) {}

  /** With `tx`: the branch is read in it and held until it ends (a change relies on it); else cached. */
  async branch(
    actor: UserActor,
    permission: Permission,
    branchId: string,
    meta?: RequestMeta,
    tx?: DbOrTx,
  ): Promise<BranchRecord> {
    if (!canAtBranch(actor, permission, branchId)) {
      await this.audit.recordSafely({
        actor,
        action: 'access.denied',
        subjectType: 'branch',
        subjectId: branchId,
        outcome: 'denied',
        meta,
        details: { permission },
      });
      throw InventoryErrors.notYourBranch();
    }
    const branch = tx ? await this.branches.findHeld(branchId, tx) : await this.branches.find(branchId);
    if (!branch) throw branchNotFound();
    return branch;
  }

  /** A branch that can take part in stock operations as a counterpart (a transfer's destination). */
  async activeBranch(branchId: string, tx?: DbOrTx): Promise<BranchRecord> {
    const branch = tx ? await this.branches.findHeld(branchId, tx) : await this.branches.find(branchId);
    if (!branch || !branch.active) throw branchNotFound();
    return branch;
  }

  /** The branches where the actor holds `permission`; null = every branch. */
  scope(actor: UserActor, permission: Permission): readonly string[] | null {
    const scope = actor.branchScopes.get(permission);
    return scope === null || scope === undefined ? null : [...scope];
  }
}
