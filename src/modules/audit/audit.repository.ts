import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, lt } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { auditLog } from './audit.tables.js';

export type AuditInsert = typeof auditLog.$inferInsert;
export type AuditRow = typeof auditLog.$inferSelect;

@Injectable()
export class AuditRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async insert(row: AuditInsert, tx: DbOrTx = this.db): Promise<void> {
    await tx.insert(auditLog).values(row);
  }

  list(filter: { subjectId?: string; action?: string; before?: string }, limit: number): Promise<AuditRow[]> {
    const conds = [
      filter.subjectId ? eq(auditLog.subjectId, filter.subjectId) : undefined,
      filter.action ? eq(auditLog.action, filter.action) : undefined,
      filter.before ? lt(auditLog.id, filter.before) : undefined,
    ].filter((c) => c !== undefined);
    return this.db
      .select()
      .from(auditLog)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(auditLog.id))
      .limit(limit);
  }
}
