import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk, tsz } from '../../db/columns.js';

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

/** The public halves of the keys prescriptions were signed with (migration 0021): the invariant check reads them. */
export const prescriptionSigningKeys = pgTable('prescription_signing_keys', {
  keyId: text('key_id').primaryKey(),
  publicKey: text('public_key').notNull(),
  createdAt: createdAt(),
});

/**
 * An e-prescription (migration 0021): written by the doctor of a consultation (its id is its appointment's)
 * for its patient, signed at issue (`signedBody` is the canonical JSON that `signature` covers, by `keyId`).
 * Immutable once issued (trigger): the one change is issued → revoked. References appointments and users.
 */
export const prescriptions = pgTable(
  'prescriptions',
  {
    id: pk(),
    appointmentId: uuid('appointment_id').notNull(),
    doctorId: uuid('doctor_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    status: text('status').notNull().default('issued'),
    code: text('code').notNull(),
    controlled: boolean('controlled').notNull(),
    issuedAt: tsz('issued_at').notNull(),
    validUntil: tsz('valid_until').notNull(),
    keyId: text('key_id').notNull(),
    signature: text('signature').notNull(),
    signedBody: text('signed_body').notNull(),
    revokedAt: tsz('revoked_at'),
    revokedBy: uuid('revoked_by'),
    revokeReason: text('revoke_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('prescriptions_code_key').on(t.code),
    index('prescriptions_patient_idx').on(t.patientId, t.id),
    index('prescriptions_doctor_idx').on(t.doctorId, t.id),
    index('prescriptions_appointment_idx').on(t.appointmentId),
  ],
);

export const prescriptionTransitions = pgTable(
  'prescription_transitions',
  {
    id: pk(),
    prescriptionId: uuid('prescription_id').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    actorId: uuid('actor_id'),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [index('prescription_transitions_prescription_idx').on(t.prescriptionId, t.createdAt)],
);

/**
 * A line: a product, or a generic ingredient + strength + form (`ingredientsKey` as the catalog derives it,
 * so substitutes are found the catalog's way). `dispensed` ≤ quantity × (1 + refills) by CHECK; only it and
 * `lastFilledAt` ever change (trigger).
 */
export const prescriptionLines = pgTable(
  'prescription_lines',
  {
    id: pk(),
    prescriptionId: uuid('prescription_id').notNull(),
    lineNo: integer('line_no').notNull(),
    productId: uuid('product_id'),
    ingredient: text('ingredient'),
    strength: text('strength'),
    form: text('form').notNull(),
    ingredientsKey: text('ingredients_key').notNull(),
    name: text('name').notNull(),
    controlled: boolean('controlled').notNull(),
    dose: text('dose').notNull(),
    frequency: text('frequency').notNull(),
    durationDays: integer('duration_days').notNull(),
    quantity: integer('quantity').notNull(),
    refills: integer('refills').notNull(),
    substitutionAllowed: boolean('substitution_allowed').notNull(),
    dispensed: integer('dispensed').notNull().default(0),
    lastFilledAt: tsz('last_filled_at'),
  },
  (t) => [
    unique('prescription_lines_no_key').on(t.prescriptionId, t.lineNo),
    check(
      'prescription_lines_dispensed',
      sql`${t.dispensed} >= 0 AND ${t.dispensed} <= ${t.quantity} * (1 + ${t.refills})`,
    ),
  ],
);

/** An order line filled against a prescription line (checkout), at a branch; dispensed when the order completes. */
export const prescriptionFills = pgTable(
  'prescription_fills',
  {
    orderId: uuid('order_id').notNull(),
    orderLineNo: integer('order_line_no').notNull(),
    lineId: uuid('line_id').notNull(),
    prescriptionId: uuid('prescription_id').notNull(),
    branchId: uuid('branch_id').notNull(),
    productId: uuid('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    substitutionReason: text('substitution_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'prescription_fills_pkey', columns: [t.orderId, t.orderLineNo] }),
    index('prescription_fills_prescription_idx').on(t.prescriptionId, t.branchId),
    index('prescription_fills_line_idx').on(t.lineId),
  ],
);

/** Units handed over against a line (append-only, one row per order line). */
export const prescriptionDispensings = pgTable(
  'prescription_dispensings',
  {
    id: pk(),
    lineId: uuid('line_id').notNull(),
    orderId: uuid('order_id').notNull(),
    orderLineNo: integer('order_line_no').notNull(),
    productId: uuid('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    actorId: uuid('actor_id'),
    at: tsz('at').notNull().defaultNow(),
  },
  (t) => [
    unique('prescription_dispensings_order_line_key').on(t.orderId, t.orderLineNo),
    index('prescription_dispensings_line_idx').on(t.lineId, t.at),
  ],
);
