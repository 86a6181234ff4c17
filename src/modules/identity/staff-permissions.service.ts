import { Injectable } from '@nestjs/common';
import { buildUserActor, type Permission, type RoleGrant } from '../../kernel/auth/index.js';
import type { DbOrTx } from '../../db/client.js';
import { IdentityRepository } from './identity.repository.js';

/**
 * Identity's answer to "does this account work as staff with this permission" (support: a ticket's assignee
 * must be staff who work tickets), without handing out its tables. Suspended accounts hold nothing.
 */
@Injectable()
export class StaffPermissions {
  constructor(private readonly repo: IdentityRepository) {}

  async holds(userId: string, permission: Permission, tx?: DbOrTx): Promise<boolean> {
    const user = await this.repo.findUserById(userId, tx);
    if (!user || user.type !== 'staff' || user.status !== 'active') return false;
    const roles = await this.repo.rolesOf([userId], tx);
    const actor = buildUserActor({
      userId,
      sessionId: '',
      accountType: 'staff',
      roles: roles.map((r): RoleGrant => ({ role: r.role as RoleGrant['role'], branchId: r.branchId })),
    });
    return actor.permissions.has(permission);
  }
}
