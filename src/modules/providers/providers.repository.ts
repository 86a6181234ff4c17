import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gte, ilike, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import { doctorProfiles, doctorSpecialties, specialties } from './providers.tables.js';

export type SpecialtyRow = typeof specialties.$inferSelect;
export type NewSpecialty = typeof specialties.$inferInsert;
export type ProfileRow = typeof doctorProfiles.$inferSelect;
export type NewProfile = typeof doctorProfiles.$inferInsert;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => '\\' + m);

/** All SQL of the providers module (rule 4). Decides nothing. */
@Injectable()
export class ProvidersRepository {
  constructor(@Inject(DB) readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  async insertSpecialty(values: NewSpecialty, tx: DbOrTx = this.db): Promise<SpecialtyRow> {
    const [row] = await tx.insert(specialties).values(values).returning();
    return row;
  }

  async updateSpecialty(id: string, patch: Partial<NewSpecialty>, tx: DbOrTx = this.db) {
    const [row] = await tx.update(specialties).set(patch).where(eq(specialties.id, id)).returning();
    return row as SpecialtyRow | undefined;
  }

  /** Active specialties by English name (a short list: no paging). */
  listActiveSpecialties(): Promise<SpecialtyRow[]> {
    return this.db
      .select()
      .from(specialties)
      .where(eq(specialties.active, true))
      .orderBy(asc(specialties.nameEn), asc(specialties.id));
  }

  /** Those of `ids` that name an active specialty, locked against a concurrent retirement. */
  async activeSpecialtyIds(ids: string[], tx: DbOrTx): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await tx
      .select({ id: specialties.id })
      .from(specialties)
      .where(and(inArray(specialties.id, ids), eq(specialties.active, true)))
      .for('share');
    return rows.map((r) => r.id);
  }

  async findProfile(userId: string, tx: DbOrTx = this.db): Promise<ProfileRow | undefined> {
    const [row] = await tx.select().from(doctorProfiles).where(eq(doctorProfiles.userId, userId));
    return row;
  }

  async lockProfile(userId: string, tx: DbOrTx): Promise<ProfileRow | undefined> {
    const [row] = await tx.select().from(doctorProfiles).where(eq(doctorProfiles.userId, userId)).for('update');
    return row;
  }

  /** Writes the practice fields; approval, name and rating are kept as they were. */
  async upsertProfile(values: NewProfile, tx: DbOrTx): Promise<ProfileRow> {
    const { userId: _id, ...practice } = values;
    const [row] = await tx
      .insert(doctorProfiles)
      .values(values)
      .onConflictDoUpdate({ target: doctorProfiles.userId, set: { ...practice, updatedAt: new Date() } })
      .returning();
    return row;
  }

  async replaceSpecialties(doctorId: string, ids: string[], tx: DbOrTx): Promise<void> {
    await tx.delete(doctorSpecialties).where(eq(doctorSpecialties.doctorId, doctorId));
    if (ids.length > 0)
      await tx.insert(doctorSpecialties).values(ids.map((specialtyId) => ({ doctorId, specialtyId })));
  }

  /** Each doctor's specialties (retired ones included: a doctor's training does not lapse with the list). */
  async specialtiesOf(doctorIds: string[], tx: DbOrTx = this.db): Promise<Map<string, SpecialtyRow[]>> {
    const out = new Map<string, SpecialtyRow[]>();
    if (doctorIds.length === 0) return out;
    const rows = await tx
      .select({ doctorId: doctorSpecialties.doctorId, specialty: specialties })
      .from(doctorSpecialties)
      .innerJoin(specialties, eq(specialties.id, doctorSpecialties.specialtyId))
      .where(inArray(doctorSpecialties.doctorId, doctorIds))
      .orderBy(asc(specialties.nameEn), asc(specialties.id));
    for (const r of rows) out.set(r.doctorId, [...(out.get(r.doctorId) ?? []), r.specialty]);
    return out;
  }

  async setApproval(
    userId: string,
    approval: { approvedAt: Date | null; approvedBy: string | null; name?: string },
    tx: DbOrTx,
  ): Promise<void> {
    await tx.update(doctorProfiles).set(approval).where(eq(doctorProfiles.userId, userId));
  }

  /** Adds one rating of `stars` in one statement (concurrent ratings never lose each other). */
  async addRating(userId: string, stars: number, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .update(doctorProfiles)
      .set({
        ratingCount: sql`${doctorProfiles.ratingCount} + 1`,
        ratingSum: sql`${doctorProfiles.ratingSum} + ${stars}`,
      })
      .where(eq(doctorProfiles.userId, userId))
      .returning({ id: doctorProfiles.userId });
    return rows.length > 0;
  }

  /**
   * Approved doctors whose licence is valid on `day`, newest profile key first (keyset on user_id). `q`
   * matches the name or either bio, case-insensitively.
   */
  listDirectory(
    filter: { day: string; specialtyId?: string; language?: string; q?: string; before?: string },
    limit: number,
  ): Promise<ProfileRow[]> {
    const like = filter.q ? `%${escapeLike(filter.q)}%` : undefined;
    return this.db
      .select()
      .from(doctorProfiles)
      .where(
        and(
          listed(filter.day),
          filter.specialtyId
            ? sql`EXISTS (SELECT 1 FROM ${doctorSpecialties} WHERE ${doctorSpecialties.doctorId} = ${doctorProfiles.userId} AND ${doctorSpecialties.specialtyId} = ${filter.specialtyId})`
            : undefined,
          filter.language ? sql`${filter.language} = ANY(${doctorProfiles.languages})` : undefined,
          like
            ? or(ilike(doctorProfiles.name, like), ilike(doctorProfiles.bioEn, like), ilike(doctorProfiles.bioAr, like))
            : undefined,
          filter.before ? lt(doctorProfiles.userId, filter.before) : undefined,
        ),
      )
      .orderBy(sql`${doctorProfiles.userId} DESC`)
      .limit(limit);
  }

  async findListed(userId: string, day: string): Promise<ProfileRow | undefined> {
    const [row] = await this.db
      .select()
      .from(doctorProfiles)
      .where(and(eq(doctorProfiles.userId, userId), listed(day)));
    return row;
  }
}

const listed = (day: string) =>
  and(isNotNull(doctorProfiles.approvedAt), isNotNull(doctorProfiles.name), gte(doctorProfiles.licenseExpiresOn, day));
