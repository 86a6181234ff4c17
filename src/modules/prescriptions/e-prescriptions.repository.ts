import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import { moveStatus } from '../../db/transitions.js';
import {
  prescriptionDispensings,
  prescriptionFills,
  prescriptionLines,
  prescriptionSigningKeys,
  prescriptions,
  prescriptionTransitions,
} from './prescriptions.tables.js';

export type PrescriptionRow = typeof prescriptions.$inferSelect;
export type PrescriptionLineRow = typeof prescriptionLines.$inferSelect;
export type NewPrescriptionLine = Omit<PrescriptionLineRow, 'id' | 'prescriptionId' | 'dispensed' | 'lastFilledAt'>;
export type FillRow = typeof prescriptionFills.$inferSelect;

/** All SQL of e-prescriptions (rule 4). Decides nothing. */
@Injectable()
export class EPrescriptionsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  /** Records the public half of a signing key the first time it signs (a second writer meets the key). */
  async rememberKey(keyId: string, publicKey: string, tx: DbOrTx): Promise<void> {
    await tx.insert(prescriptionSigningKeys).values({ keyId, publicKey }).onConflictDoNothing();
  }

  async insert(
    row: typeof prescriptions.$inferInsert & { id: string },
    lines: (NewPrescriptionLine & { id: string })[],
    actorId: string,
    tx: DbOrTx,
  ): Promise<{ prescription: PrescriptionRow; lines: PrescriptionLineRow[] }> {
    const [created] = await tx.insert(prescriptions).values(row).returning();
    const lineRows = await tx
      .insert(prescriptionLines)
      .values(lines.map((l) => ({ ...l, prescriptionId: row.id })))
      .returning();
    await tx
      .insert(prescriptionTransitions)
      .values({ prescriptionId: row.id, fromStatus: null, toStatus: row.status ?? 'issued', actorId });
    return { prescription: created!, lines: lineRows.sort((a, b) => a.lineNo - b.lineNo) };
  }

  async find(id: string, tx: DbOrTx = this.db): Promise<PrescriptionRow | undefined> {
    const [row] = await tx.select().from(prescriptions).where(eq(prescriptions.id, id));
    return row;
  }

  async lock(id: string, tx: DbOrTx): Promise<PrescriptionRow | undefined> {
    const [row] = await tx.select().from(prescriptions).where(eq(prescriptions.id, id)).for('update');
    return row;
  }

  async findByCode(code: string): Promise<PrescriptionRow | undefined> {
    const [row] = await this.db.select().from(prescriptions).where(eq(prescriptions.code, code));
    return row;
  }

  async linesOf(ids: string[], tx: DbOrTx = this.db): Promise<Map<string, PrescriptionLineRow[]>> {
    const out = new Map<string, PrescriptionLineRow[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = await tx
      .select()
      .from(prescriptionLines)
      .where(inArray(prescriptionLines.prescriptionId, ids))
      .orderBy(asc(prescriptionLines.prescriptionId), asc(prescriptionLines.lineNo));
    for (const r of rows) out.get(r.prescriptionId)?.push(r);
    return out;
  }

  /** Lines by id with their prescription, locked for the caller's transaction when `lock`. */
  async linesById(
    ids: string[],
    tx: DbOrTx,
    lock = false,
  ): Promise<{ line: PrescriptionLineRow; prescription: PrescriptionRow }[]> {
    if (ids.length === 0) return [];
    const q = tx
      .select({ line: prescriptionLines, prescription: prescriptions })
      .from(prescriptionLines)
      .innerJoin(prescriptions, eq(prescriptions.id, prescriptionLines.prescriptionId))
      .where(inArray(prescriptionLines.id, ids))
      .orderBy(asc(prescriptionLines.id));
    return lock ? q.for('update', { of: prescriptionLines }) : q;
  }

  /** Newest first (ids are time-ordered), after the cursor's id. */
  list(by: 'patient' | 'doctor', userId: string, afterId: string | undefined, limit: number) {
    const where: (SQL | undefined)[] = [
      by === 'patient' ? eq(prescriptions.patientId, userId) : eq(prescriptions.doctorId, userId),
      afterId ? lt(prescriptions.id, afterId) : undefined,
    ];
    return this.db
      .select()
      .from(prescriptions)
      .where(and(...where))
      .orderBy(desc(prescriptions.id))
      .limit(limit);
  }

  /** issued → revoked, with who and why (the one change the trigger lets through). */
  async revoke(id: string, by: string, reason: string, at: Date, tx: DbOrTx): Promise<PrescriptionRow | undefined> {
    const [row] = await moveStatus(
      tx,
      prescriptions,
      prescriptions.status,
      eq(prescriptions.id, id),
      'issued',
      'revoked',
      {
        revokedAt: at,
        revokedBy: by,
        revokeReason: reason,
      },
    );
    return row;
  }

  async appendTransition(row: typeof prescriptionTransitions.$inferInsert, tx: DbOrTx): Promise<void> {
    await tx.insert(prescriptionTransitions).values(row);
  }

  async insertFills(rows: (typeof prescriptionFills.$inferInsert)[], tx: DbOrTx): Promise<void> {
    if (rows.length > 0) await tx.insert(prescriptionFills).values(rows);
  }

  async fillsOfOrder(orderId: string, tx: DbOrTx = this.db): Promise<FillRow[]> {
    return tx
      .select()
      .from(prescriptionFills)
      .where(eq(prescriptionFills.orderId, orderId))
      .orderBy(asc(prescriptionFills.orderLineNo));
  }

  /** Whether an order at one of these branches was filled against the prescription (any branch when undefined). */
  async filledAt(prescriptionId: string, branchIds: string[] | undefined): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ orderId: prescriptionFills.orderId })
      .from(prescriptionFills)
      .where(
        and(
          eq(prescriptionFills.prescriptionId, prescriptionId),
          branchIds ? inArray(prescriptionFills.branchId, branchIds) : undefined,
        ),
      )
      .limit(20);
    return rows.map((r) => r.orderId);
  }

  /**
   * The dispense: adds `quantity` to the line only while the total stays within quantity × (1 + refills) (the
   * conditional update; the CHECK is the backstop), and records it once per order line. False when it would
   * exceed (nothing written).
   */
  async dispense(fill: FillRow, actorId: string | null, at: Date, tx: DbOrTx): Promise<boolean> {
    const moved = await tx
      .update(prescriptionLines)
      .set({ dispensed: sql`${prescriptionLines.dispensed} + ${fill.quantity}`, lastFilledAt: at })
      .where(
        and(
          eq(prescriptionLines.id, fill.lineId),
          sql`${prescriptionLines.dispensed} + ${fill.quantity} <= ${prescriptionLines.quantity} * (1 + ${prescriptionLines.refills})`,
        ),
      )
      .returning({ id: prescriptionLines.id });
    if (moved.length === 0) return false;
    await tx.insert(prescriptionDispensings).values({
      lineId: fill.lineId,
      orderId: fill.orderId,
      orderLineNo: fill.orderLineNo,
      productId: fill.productId,
      quantity: fill.quantity,
      actorId,
      at,
    });
    return true;
  }

  /** Whether `doctorId` wrote a prescription the order's lines fill. */
  async prescribedBy(orderId: string, doctorId: string, tx: DbOrTx = this.db): Promise<boolean> {
    const rows = await tx
      .select({ id: prescriptions.id })
      .from(prescriptionFills)
      .innerJoin(prescriptions, eq(prescriptions.id, prescriptionFills.prescriptionId))
      .where(and(eq(prescriptionFills.orderId, orderId), eq(prescriptions.doctorId, doctorId)))
      .limit(1);
    return rows.length > 0;
  }

  async dispensedForOrder(orderId: string, tx: DbOrTx): Promise<number> {
    const rows = await tx
      .select({ id: prescriptionDispensings.id })
      .from(prescriptionDispensings)
      .where(eq(prescriptionDispensings.orderId, orderId))
      .limit(1);
    return rows.length;
  }
}
