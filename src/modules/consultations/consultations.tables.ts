import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz, updatedAt } from '../../db/columns.js';

/**
 * Migration 0020. A consultation's id is its appointment's id (one consultation per appointment): every
 * table keys on `appointment_id`; the lifecycle itself is the appointment's (appointment_transitions).
 */
export const consultationMessages = pgTable(
  'consultation_messages',
  {
    id: pk(),
    appointmentId: uuid('appointment_id').notNull(),
    senderId: uuid('sender_id').notNull(),
    body: text('body'),
    // Files the sender owned when sending (files module), at most 5.
    fileIds: uuid('file_ids')
      .array()
      .notNull()
      .default(sql`'{}'`),
    createdAt: createdAt(),
  },
  (t) => [
    index('consultation_messages_appointment_idx').on(t.appointmentId, t.id.desc()),
    check('consultation_messages_content', sql`${t.body} IS NOT NULL OR cardinality(${t.fileIds}) > 0`),
  ],
);

/** The SOAP note: a draft until `signedAt`, then locked by a trigger (corrections are addenda). */
export const consultationNotes = pgTable('consultation_notes', {
  appointmentId: uuid('appointment_id').primaryKey(),
  doctorId: uuid('doctor_id').notNull(),
  subjective: text('subjective'),
  objective: text('objective'),
  assessment: text('assessment'),
  plan: text('plan'),
  signedAt: tsz('signed_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Append-only (trigger): each correction signed by its author at `signedAt`. */
export const consultationNoteAddenda = pgTable(
  'consultation_note_addenda',
  {
    id: pk(),
    appointmentId: uuid('appointment_id').notNull(),
    authorId: uuid('author_id').notNull(),
    body: text('body').notNull(),
    signedAt: tsz('signed_at').notNull().defaultNow(),
  },
  (t) => [index('consultation_note_addenda_note_idx').on(t.appointmentId, t.signedAt)],
);

/** Once per appointment (primary key). */
export const consultationRatings = pgTable(
  'consultation_ratings',
  {
    appointmentId: uuid('appointment_id').primaryKey(),
    patientId: uuid('patient_id').notNull(),
    doctorId: uuid('doctor_id').notNull(),
    stars: integer('stars').notNull(),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (t) => [check('consultation_ratings_stars', sql`${t.stars} BETWEEN 1 AND 5`)],
);
