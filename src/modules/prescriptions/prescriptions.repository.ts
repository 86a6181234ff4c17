import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { prescriptionUploads } from './prescriptions.tables.js';

export type UploadRow = typeof prescriptionUploads.$inferSelect;

/** All SQL of the prescriptions module (rule 4). Decides nothing. */
@Injectable()
export class PrescriptionsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async insert(row: typeof prescriptionUploads.$inferInsert): Promise<UploadRow> {
    const [created] = await this.db.insert(prescriptionUploads).values(row).returning();
    return created!;
  }

  async find(id: string, tx: DbOrTx = this.db): Promise<UploadRow | undefined> {
    const [row] = await tx.select().from(prescriptionUploads).where(eq(prescriptionUploads.id, id));
    return row;
  }

  async findMany(ids: string[], tx: DbOrTx = this.db): Promise<UploadRow[]> {
    if (ids.length === 0) return [];
    return tx.select().from(prescriptionUploads).where(inArray(prescriptionUploads.id, ids));
  }

  /** The customer's uploads, newest first (ids are time-ordered), after the cursor's id. */
  list(customerId: string, afterId: string | undefined, limit: number): Promise<UploadRow[]> {
    const where: (SQL | undefined)[] = [
      eq(prescriptionUploads.customerId, customerId),
      afterId ? lt(prescriptionUploads.id, afterId) : undefined,
    ];
    return this.db
      .select()
      .from(prescriptionUploads)
      .where(and(...where))
      .orderBy(desc(prescriptionUploads.id))
      .limit(limit);
  }
}
