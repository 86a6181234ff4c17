import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, ilike, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { moveStatus } from '../../db/transitions.js';
import type { StateStore } from '../../kernel/state-machine.js';
import type { AccountStatus } from './identity.machine.js';
import { oneTimeCodes, refreshTokens, roleAssignments, sessions, users } from './identity.tables.js';

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type RoleRow = { userId: string; role: string; branchId: string | null };

/** All SQL of the identity module (rule 4). Decides nothing. */
@Injectable()
export class IdentityRepository {
  constructor(@Inject(DB) readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  // ---- users
  async insertUser(user: NewUser, tx: DbOrTx = this.db): Promise<UserRow | undefined> {
    const [row] = await tx.insert(users).values(user).onConflictDoNothing().returning();
    return row;
  }

  async findUserById(id: string, tx: DbOrTx = this.db): Promise<UserRow | undefined> {
    const [row] = await tx.select().from(users).where(eq(users.id, id));
    return row;
  }

  async findUserByIdentifier(identifier: string): Promise<UserRow | undefined> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(
        identifier.includes('@')
          ? sql`lower(${users.email}) = ${identifier.toLowerCase()}`
          : eq(users.phone, identifier),
      )
      .limit(1);
    return row;
  }

  async contactTaken(email: string | undefined, phone: string | undefined, exceptUserId?: string): Promise<boolean> {
    const conds = [
      email ? sql`lower(${users.email}) = ${email.toLowerCase()}` : undefined,
      phone ? eq(users.phone, phone) : undefined,
    ].filter((c) => c !== undefined);
    if (conds.length === 0) return false;
    const [row] = await this.db
      .select({ id: users.id })
      .from(users)
      .where(and(or(...conds), exceptUserId ? sql`${users.id} <> ${exceptUserId}` : undefined))
      .limit(1);
    return row !== undefined;
  }

  async updateUser(id: string, patch: Partial<NewUser>, tx: DbOrTx = this.db): Promise<UserRow | undefined> {
    const [row] = await tx.update(users).set(patch).where(eq(users.id, id)).returning();
    return row;
  }

  /** One user's account status for identity.machine.ts, in the caller's transaction (conditional update). */
  accountStatus(id: string, tx: DbOrTx): StateStore<AccountStatus, UserRow> {
    return {
      move: async (from, to) => (await moveStatus(tx, users, users.status, eq(users.id, id), from, to))[0],
      current: async () => (await tx.select({ status: users.status }).from(users).where(eq(users.id, id)))[0]?.status,
    };
  }

  /** Ends every session of the user at once: access tokens carry the version, so they stop working too. */
  async bumpSessionVersion(id: string, tx: DbOrTx = this.db): Promise<void> {
    await tx
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, id));
  }

  async anyAdmin(): Promise<boolean> {
    const [row] = await this.db
      .select({ id: roleAssignments.id })
      .from(roleAssignments)
      .where(eq(roleAssignments.role, 'admin'))
      .limit(1);
    return row !== undefined;
  }

  listUsers(
    filter: {
      type?: UserRow['type'];
      status?: UserRow['status'];
      q?: string;
      before?: string;
      /** Only staff holding a role at one of these branches. */
      staffAt?: readonly string[];
    },
    limit: number,
  ): Promise<UserRow[]> {
    const like = filter.q ? `%${filter.q.replace(/[\\%_]/g, (m) => '\\' + m)}%` : undefined;
    return this.db
      .select()
      .from(users)
      .where(
        and(
          filter.type ? eq(users.type, filter.type) : undefined,
          filter.status ? eq(users.status, filter.status) : undefined,
          like ? or(ilike(users.name, like), ilike(users.email, like), ilike(users.phone, like)) : undefined,
          filter.before ? lt(users.id, filter.before) : undefined,
          filter.staffAt
            ? and(
                eq(users.type, 'staff'),
                inArray(
                  users.id,
                  this.db
                    .select({ id: roleAssignments.userId })
                    .from(roleAssignments)
                    .where(inArray(roleAssignments.branchId, [...filter.staffAt])),
                ),
              )
            : undefined,
        ),
      )
      .orderBy(desc(users.id))
      .limit(limit);
  }

  // ---- roles
  async rolesOf(userIds: string[], tx: DbOrTx = this.db): Promise<RoleRow[]> {
    if (userIds.length === 0) return [];
    return tx
      .select({ userId: roleAssignments.userId, role: roleAssignments.role, branchId: roleAssignments.branchId })
      .from(roleAssignments)
      .where(inArray(roleAssignments.userId, userIds))
      .orderBy(roleAssignments.role);
  }

  async replaceRoles(userId: string, grants: { role: string; branchId: string | null }[], tx: DbOrTx): Promise<void> {
    await tx.delete(roleAssignments).where(eq(roleAssignments.userId, userId));
    if (grants.length > 0)
      await tx
        .insert(roleAssignments)
        .values(grants.map((g) => ({ userId, ...g })))
        .onConflictDoNothing();
  }

  // ---- sessions and refresh tokens
  async createSession(s: { userId: string; userAgent?: string; ip?: string }, tx: DbOrTx): Promise<string> {
    const [row] = await tx.insert(sessions).values(s).returning({ id: sessions.id });
    return row.id;
  }

  async insertRefreshToken(t: { sessionId: string; tokenHash: string; expiresAt: Date }, tx: DbOrTx): Promise<void> {
    await tx.insert(refreshTokens).values(t);
  }

  /**
   * Marks the token rotated if it is live. The conditional update makes rotation single-use under races:
   * of two concurrent refreshes with one token, exactly one gets the row back.
   */
  async rotateRefreshToken(tokenHash: string, now: Date, tx: DbOrTx) {
    const [row] = await tx
      .update(refreshTokens)
      .set({ rotatedAt: now })
      .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.rotatedAt)))
      .returning({ sessionId: refreshTokens.sessionId, expiresAt: refreshTokens.expiresAt });
    return row;
  }

  async findRefreshToken(tokenHash: string) {
    const [row] = await this.db
      .select({
        sessionId: refreshTokens.sessionId,
        rotatedAt: refreshTokens.rotatedAt,
        expiresAt: refreshTokens.expiresAt,
      })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenHash));
    return row;
  }

  async findSession(id: string, tx: DbOrTx = this.db) {
    const [row] = await tx.select().from(sessions).where(eq(sessions.id, id));
    return row;
  }

  async touchSession(id: string, tx: DbOrTx): Promise<void> {
    await tx.update(sessions).set({ lastUsedAt: new Date() }).where(eq(sessions.id, id));
  }

  async revokeSession(id: string, reason: string, tx: DbOrTx = this.db): Promise<void> {
    await tx
      .update(sessions)
      .set({ revokedAt: new Date(), revokedReason: reason })
      .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
  }

  /** Revokes all live sessions of a user; returns their ids (to drop cached session state). */
  async revokeAllSessions(userId: string, reason: string, tx: DbOrTx = this.db): Promise<string[]> {
    const rows = await tx
      .update(sessions)
      .set({ revokedAt: new Date(), revokedReason: reason })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    return rows.map((r) => r.id);
  }

  async liveSessionIds(userId: string, tx: DbOrTx = this.db): Promise<string[]> {
    const rows = await tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    return rows.map((r) => r.id);
  }

  /** What the guard needs to trust an access token, in one round trip. */
  async sessionAuthState(sessionId: string) {
    const [row] = await this.db
      .select({
        userId: users.id,
        type: users.type,
        status: users.status,
        sessionVersion: users.sessionVersion,
        revokedAt: sessions.revokedAt,
        roles: sql<{ role: string; branchId: string | null }[]>`coalesce((
          select json_agg(json_build_object('role', r.role, 'branchId', r.branch_id) order by r.role)
          from ${roleAssignments} r where r.user_id = ${users.id}), '[]'::json)`,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sessionId));
    return row;
  }

  async pruneExpired(now: Date): Promise<void> {
    await this.db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, now));
    await this.db.delete(oneTimeCodes).where(lt(oneTimeCodes.expiresAt, now));
  }

  // ---- one-time codes: identity-codes.repository.ts

  // ---- login throttling: login-throttle.repository.ts
}
