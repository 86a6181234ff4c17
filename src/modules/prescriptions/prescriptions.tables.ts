import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk } from '../../db/columns.js';

/**
 * A photo of a paper prescription a customer uploaded (migration 0015): the bytes are a file of the files
 * module (purpose `prescription`), this row is the prescription the customer names at checkout. An order
 * links the uploads it was placed with (orders' order_prescriptions); a pharmacist of the order's branch reads
 * the photo while verifying. References users and files (migration 0015): modules do not import each other's tables.
 */
export const prescriptionUploads = pgTable(
  'prescription_uploads',
  {
    id: pk(),
    customerId: uuid('customer_id').notNull(),
    fileId: uuid('file_id').notNull(),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('prescription_uploads_file_key').on(t.fileId),
    index('prescription_uploads_customer_idx').on(t.customerId, t.id),
    check('prescription_uploads_note_length', sql`${t.note} IS NULL OR length(${t.note}) <= 500`),
  ],
);
