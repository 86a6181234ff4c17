import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, isNull, lt } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { withTx } from '../../db/transaction.js';
import {
  consultationMessages,
  consultationNoteAddenda,
  consultationNotes,
  consultationRatings,
} from './consultations.tables.js';

export type MessageRow = typeof consultationMessages.$inferSelect;
export type NoteRow = typeof consultationNotes.$inferSelect;
export type AddendumRow = typeof consultationNoteAddenda.$inferSelect;
export type RatingRow = typeof consultationRatings.$inferSelect;
export type NoteFields = Pick<NoteRow, 'subjective' | 'objective' | 'assessment' | 'plan'>;

/** All SQL of consultations (rule 4). Decides nothing. */
@Injectable()
export class ConsultationsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  async insertMessage(
    row: { id: string; appointmentId: string; senderId: string; body: string | null; fileIds: string[] },
    tx: DbOrTx,
  ): Promise<MessageRow> {
    const [saved] = await tx.insert(consultationMessages).values(row).returning();
    return saved;
  }

  /** A page of a consultation's messages, newest first, after the keyset id (UUIDv7: time-ordered). */
  messages(appointmentId: string, before: string | undefined, limit: number, tx: DbOrTx = this.db) {
    return tx
      .select()
      .from(consultationMessages)
      .where(
        and(
          eq(consultationMessages.appointmentId, appointmentId),
          before ? lt(consultationMessages.id, before) : undefined,
        ),
      )
      .orderBy(desc(consultationMessages.id))
      .limit(limit);
  }

  async note(appointmentId: string, tx: DbOrTx = this.db): Promise<NoteRow | undefined> {
    const [row] = await tx.select().from(consultationNotes).where(eq(consultationNotes.appointmentId, appointmentId));
    return row;
  }

  async lockNote(appointmentId: string, tx: DbOrTx): Promise<NoteRow | undefined> {
    const [row] = await tx
      .select()
      .from(consultationNotes)
      .where(eq(consultationNotes.appointmentId, appointmentId))
      .for('update');
    return row;
  }

  /** Writes the draft; undefined when the note is already signed (the trigger would refuse it anyway). */
  async saveDraft(
    appointmentId: string,
    doctorId: string,
    fields: NoteFields,
    tx: DbOrTx,
  ): Promise<NoteRow | undefined> {
    const [row] = await tx
      .insert(consultationNotes)
      .values({ appointmentId, doctorId, ...fields })
      .onConflictDoUpdate({
        target: consultationNotes.appointmentId,
        set: { ...fields, updatedAt: new Date() },
        setWhere: isNull(consultationNotes.signedAt),
      })
      .returning();
    return row;
  }

  async sign(appointmentId: string, at: Date, tx: DbOrTx): Promise<NoteRow | undefined> {
    const [row] = await tx
      .update(consultationNotes)
      .set({ signedAt: at, updatedAt: at })
      .where(and(eq(consultationNotes.appointmentId, appointmentId), isNull(consultationNotes.signedAt)))
      .returning();
    return row;
  }

  async insertAddendum(
    row: { id: string; appointmentId: string; authorId: string; body: string; signedAt: Date },
    tx: DbOrTx,
  ): Promise<AddendumRow> {
    const [saved] = await tx.insert(consultationNoteAddenda).values(row).returning();
    return saved;
  }

  addenda(appointmentId: string, tx: DbOrTx = this.db): Promise<AddendumRow[]> {
    return tx
      .select()
      .from(consultationNoteAddenda)
      .where(eq(consultationNoteAddenda.appointmentId, appointmentId))
      .orderBy(asc(consultationNoteAddenda.signedAt), asc(consultationNoteAddenda.id));
  }

  /** The rating, or undefined when this appointment was rated before (the primary key). */
  async insertRating(row: Omit<RatingRow, 'createdAt'>, tx: DbOrTx): Promise<RatingRow | undefined> {
    const [saved] = await tx.insert(consultationRatings).values(row).onConflictDoNothing().returning();
    return saved;
  }

  async rating(appointmentId: string, tx: DbOrTx = this.db): Promise<RatingRow | undefined> {
    const [row] = await tx
      .select()
      .from(consultationRatings)
      .where(eq(consultationRatings.appointmentId, appointmentId));
    return row;
  }
}
