import { Injectable } from '@nestjs/common';
import type { UserActor } from '../../kernel/auth/index.js';
import type { Page, RequestMeta } from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import type { ListUsersQuery, UserView } from './identity.dto.js';
import { IdentityRepository, type RoleRow, type UserRow } from './identity.repository.js';
import { toUserView } from './identity.view.js';

/**
 * Who may see which accounts through the staff routes. `users:read` held everywhere (admin, support) reads
 * every account. Held at branches only (a branch manager) it reads the staff of those branches, and finds a
 * customer only by exact email or phone (the customer at the counter), audited: browsing the customer base
 * with their contacts is not a branch's business.
 */
@Injectable()
export class UserDirectory {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly audit: AuditService,
  ) {}

  /** The branches whose staff the actor reads; null: every account. */
  readScope(actor: UserActor): readonly string[] | null {
    const scope = actor.branchScopes.get('users:read');
    return scope === null || scope === undefined ? null : [...scope];
  }

  mayRead(actor: UserActor, user: UserRow, roles: readonly RoleRow[]): boolean {
    const scope = this.readScope(actor);
    if (scope === null) return true;
    return (
      user.type === 'staff' &&
      roles.some((r) => r.userId === user.id && r.branchId !== null && scope.includes(r.branchId))
    );
  }

  /** One account by exact email and/or phone (both must match when both are given); every lookup is audited. */
  async lookup(actor: UserActor, query: ListUsersQuery, meta: RequestMeta): Promise<Page<UserView>> {
    const byEmail = query.email !== undefined ? await this.repo.findUserByIdentifier(query.email) : undefined;
    const byPhone = query.phone !== undefined ? await this.repo.findUserByIdentifier(query.phone) : undefined;
    let found = query.email !== undefined ? byEmail : byPhone;
    if (query.email !== undefined && query.phone !== undefined && byEmail?.id !== byPhone?.id) found = undefined;
    const roles = found ? await this.repo.rolesOf([found.id]) : [];
    // Branch-scoped readers find customers (and their own staff), never other branches' staff or doctors.
    if (found && this.readScope(actor) !== null && found.type !== 'customer' && !this.mayRead(actor, found, roles))
      found = undefined;
    if (found && !matchesFilters(found, query)) found = undefined;
    await this.audit.record({
      actor,
      action: 'identity.user_lookup',
      subjectType: 'user',
      subjectId: found?.id,
      meta,
      // The contact looked up is not copied into the trail: the subject id says whom, `by` says how.
      details: {
        by: query.email !== undefined && query.phone !== undefined ? 'email+phone' : query.email ? 'email' : 'phone',
      },
    });
    return { items: found ? [toUserView(found, roles)] : [], nextCursor: null };
  }
}

function matchesFilters(user: UserRow, query: ListUsersQuery): boolean {
  return (
    (query.type === undefined || user.type === query.type) &&
    (query.status === undefined || user.status === query.status)
  );
}
