import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { isForeignKeyViolation } from '../../db/refusal.js';
import { BRANCH_SCOPED_ROLES, type StaffRole, type UserActor } from '../../kernel/auth/index.js';
import { AppError } from '../../kernel/errors/index.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { OutboxService } from '../../kernel/events/index.js';
import { transition } from '../../kernel/state-machine.js';
import { AuditService } from '../audit/index.js';
import { IdentityEvents, type UserEvent } from './identity.events.js';
import { accountMachine } from './identity.machine.js';
import { AuthService } from './auth.service.js';
import type { CreateStaffBody, ListUsersQuery, SetRolesBody, UserView } from './identity.dto.js';
import { assertPasswordAcceptable, hashPassword } from './identity.passwords.js';
import { IdentityRepository, type UserRow } from './identity.repository.js';
import { toUserView } from './identity.view.js';
import { RoleGrantErrors } from './identity.errors.js';
import { UserDirectory } from './user-directory.service.js';
import { SessionStateService } from './session-state.service.js';
import { DoctorAccountHooks } from './doctor-account.hooks.js';

const event = (u: UserRow): UserEvent => ({ userId: u.id, type: u.type, locale: u.locale });
const userNotFound = () => AppError.notFound('identity/user-not-found', 'The user was not found');
const usersCursor = cursorShape(cursorField.id);

/**
 * Role grants from a request: branch-scoped roles get one grant per branch, others one global grant. A
 * branch-scoped role without branches is refused: read as "every branch" it would hand a pharmacist the
 * whole chain by omission.
 */
export function grantsFor(
  roles: readonly StaffRole[],
  branchIds: readonly string[] = [],
): { role: StaffRole; branchId: string | null }[] {
  // A branch named twice is one grant (the request schema does not make branchIds unique).
  const branches = [...new Set(branchIds)];
  const scoped = roles.filter((role) => BRANCH_SCOPED_ROLES.includes(role));
  if (scoped.length > 0 && branches.length === 0) throw RoleGrantErrors.branchRequired([...new Set(scoped)]);
  return [...new Set(roles)].flatMap((role): { role: StaffRole; branchId: string | null }[] =>
    BRANCH_SCOPED_ROLES.includes(role) ? branches.map((branchId) => ({ role, branchId })) : [{ role, branchId: null }],
  );
}

/** The grants after a roles request: `roles` replaces, then `remove` drops and `add` adds. */
export function nextGrants(
  current: { role: string; branchId: string | null }[],
  body: SetRolesBody,
): { role: string; branchId: string | null }[] {
  let grants =
    body.roles !== undefined
      ? grantsFor(body.roles, body.branchIds)
      : current.map((g) => ({ role: g.role, branchId: g.branchId }));
  if (body.remove) grants = grants.filter((g) => !body.remove!.includes(g.role as StaffRole));
  if (body.add) grants.push(...grantsFor(body.add, body.branchIds));
  const seen = new Set<string>();
  return grants.filter((g) => {
    const k = `${g.role}:${g.branchId}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

@Injectable()
export class AdminUsersService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly auth: AuthService,
    private readonly sessions: SessionStateService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly directory: UserDirectory,
    private readonly doctorHooks: DoctorAccountHooks,
  ) {}

  /** Admins and support list every account; branch-scoped readers only the staff of their branches. */
  async list(actor: UserActor, query: ListUsersQuery, meta: RequestMeta): Promise<Page<UserView>> {
    if (query.email !== undefined || query.phone !== undefined) return this.directory.lookup(actor, query, meta);
    const after = decodeCursor(query.cursor, usersCursor);
    const rows = await this.repo.listUsers(
      {
        type: query.type,
        status: query.status,
        q: query.q,
        before: after?.[0],
        staffAt: this.directory.readScope(actor) ?? undefined,
      },
      query.limit + 1,
    );
    const roles = await this.repo.rolesOf(rows.map((r) => r.id));
    return toPage(
      rows,
      query.limit,
      (r) => [r.id],
      (r) => toUserView(r, roles),
    );
  }

  async createStaff(actor: UserActor, body: CreateStaffBody, meta: RequestMeta): Promise<{ user: UserView }> {
    assertPasswordAcceptable(body.password, [body.email, body.phone, body.name]);
    if (await this.repo.contactTaken(body.email, body.phone))
      throw AppError.conflict('identity/contact-taken', 'This email or phone cannot be used');
    const passwordHash = await hashPassword(body.password);
    const user = await this.repo.transaction(async (tx) => {
      const created = await this.repo.insertUser(
        {
          type: 'staff',
          name: body.name,
          email: body.email,
          phone: body.phone ?? null,
          passwordHash,
          locale: body.locale,
        },
        tx,
      );
      if (!created) throw AppError.conflict('identity/contact-taken', 'This email or phone cannot be used');
      await this.replaceRoles(created.id, grantsFor(body.roles, body.branchIds), tx);
      await this.audit.record(
        {
          actor,
          action: 'identity.staff_created',
          subjectType: 'user',
          subjectId: created.id,
          meta,
          details: { roles: body.roles, branchIds: body.branchIds ?? [] },
        },
        tx,
      );
      return created;
    });
    return { user: toUserView(user, await this.repo.rolesOf([user.id])) };
  }

  async get(actor: UserActor, userId: string, meta: RequestMeta): Promise<{ user: UserView }> {
    const user = await this.load(userId);
    const roles = await this.repo.rolesOf([user.id]);
    if (!this.directory.mayRead(actor, user, roles))
      throw await this.audit.notYours(actor, 'user', userId, meta, userNotFound());
    return { user: toUserView(user, roles) };
  }

  async setRoles(actor: UserActor, userId: string, body: SetRolesBody, meta: RequestMeta): Promise<{ user: UserView }> {
    const user = await this.load(userId);
    if (user.type !== 'staff')
      throw new AppError('conflict', 'identity/not-staff', 'Only staff accounts hold staff roles');
    const before = await this.repo.rolesOf([user.id]);
    const next = nextGrants(before, body);
    if (user.id === actor.userId && !next.some((g) => g.role === 'admin')) {
      throw new AppError('conflict', 'identity/cannot-demote-self', 'You cannot remove your own admin role');
    }
    await this.repo.transaction(async (tx) => {
      await this.replaceRoles(user.id, next, tx);
      await this.audit.record(
        {
          actor,
          action: 'identity.roles_changed',
          subjectType: 'user',
          subjectId: user.id,
          meta,
          details: { before: before.map((r) => [r.role, r.branchId]), after: next.map((r) => [r.role, r.branchId]) },
        },
        tx,
      );
    });
    await this.sessions.forget(await this.repo.liveSessionIds(user.id));
    return { user: toUserView(user, await this.repo.rolesOf([user.id])) };
  }

  /**
   * Lets a doctor in after the licence checks (the providers module's hook refuses an incomplete profile or
   * a licence not valid today, and records the approver). Approving an approved doctor changes nothing.
   */
  async approveDoctor(actor: UserActor, userId: string, meta: RequestMeta): Promise<{ user: UserView }> {
    const user = await this.load(userId);
    if (user.type !== 'doctor') throw AppError.notFound('identity/user-not-found', 'The doctor was not found');
    if (user.status === 'suspended')
      throw new AppError('conflict', 'identity/account-suspended', 'Reactivate the account before approving it');
    if (user.status === 'active') {
      // An active doctor whose practice was never reviewed (provisioned active, or approved before the
      // review existed) is reviewed now; the account's status stays. A reviewed one changes nothing.
      await this.repo.transaction((tx) =>
        this.doctorHooks.run({ doctorId: user.id, name: user.name, to: 'active', actor, tx }),
      );
      return this.view(user);
    }
    // The step moves the row only if it is still in the status read above (identity.machine.ts): a suspension
    // that committed in between makes this a 409 and writes no event or audit row.
    const updated = await this.repo.transaction(async (tx) => {
      await this.doctorHooks.run({ doctorId: user.id, name: user.name, to: 'active', actor, tx });
      return transition(
        accountMachine,
        { from: user.status, to: 'active', actor },
        this.repo.accountStatus(user.id, tx),
        {
          after: async () => {
            await this.outbox.publish(IdentityEvents.doctorApproved, event(user), tx);
            await this.audit.record(
              { actor, action: 'identity.doctor_approved', subjectType: 'user', subjectId: user.id, meta },
              tx,
            );
          },
        },
      );
    });
    await this.sessions.forget(await this.repo.liveSessionIds(user.id));
    return this.view(updated);
  }

  /** Suspends the account and ends its sessions. Suspending a suspended account changes nothing. */
  async suspend(
    actor: UserActor,
    userId: string,
    reason: string | undefined,
    meta: RequestMeta,
  ): Promise<{ user: UserView }> {
    if (userId === actor.userId)
      throw new AppError('conflict', 'identity/cannot-suspend-self', 'You cannot suspend yourself');
    const user = await this.load(userId);
    if (user.status === 'suspended') return this.view(user);
    const { updated, ended } = await this.repo.transaction(async (tx) => {
      if (user.type === 'doctor')
        await this.doctorHooks.run({ doctorId: user.id, name: user.name, to: 'suspended', actor, tx });
      const row = await transition(
        accountMachine,
        { from: user.status, to: 'suspended', actor },
        this.repo.accountStatus(user.id, tx),
        {
          after: async () => {
            await this.outbox.publish(IdentityEvents.userSuspended, event(user), tx);
            await this.audit.record(
              {
                actor,
                action: 'identity.suspended',
                subjectType: 'user',
                subjectId: user.id,
                meta,
                details: { reason: reason ?? null, from: user.status },
              },
              tx,
            );
          },
        },
      );
      return { updated: row, ended: await this.auth.endAllSessions(user.id, 'suspended', tx) };
    });
    await this.auth.forgetSessions(ended);
    return this.view(updated);
  }

  /** Lifts a suspension: a doctor goes back to approval. An account that is not suspended is left as it is. */
  async reactivate(actor: UserActor, userId: string, meta: RequestMeta): Promise<{ user: UserView }> {
    const user = await this.load(userId);
    if (user.status !== 'suspended') return this.view(user);
    const to = user.type === 'doctor' ? 'pending_approval' : 'active';
    const updated = await this.repo.transaction(async (tx) => {
      if (user.type === 'doctor') await this.doctorHooks.run({ doctorId: user.id, name: user.name, to, actor, tx });
      return transition(accountMachine, { from: 'suspended', to, actor }, this.repo.accountStatus(user.id, tx), {
        after: async () => {
          await this.outbox.publish(IdentityEvents.userReactivated, event(user), tx);
          await this.audit.record(
            { actor, action: 'identity.reactivated', subjectType: 'user', subjectId: user.id, meta },
            tx,
          );
        },
      });
    });
    return this.view(updated);
  }

  private async view(user: UserRow): Promise<{ user: UserView }> {
    return { user: toUserView(user, await this.repo.rolesOf([user.id])) };
  }

  /** A grant naming a branch that does not exist is the caller's mistake (role_assignments_branch_fk). */
  private async replaceRoles(userId: string, grants: { role: string; branchId: string | null }[], tx: DbOrTx) {
    try {
      await this.repo.replaceRoles(userId, grants, tx);
    } catch (err) {
      if (isForeignKeyViolation(err, 'role_assignments_branch_fk')) throw RoleGrantErrors.unknownBranch();
      throw err;
    }
  }

  private async load(userId: string): Promise<UserRow> {
    const user = await this.repo.findUserById(userId);
    if (!user) throw userNotFound();
    return user;
  }
}
