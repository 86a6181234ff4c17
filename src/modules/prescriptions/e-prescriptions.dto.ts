import { z } from 'zod';
import { idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { cartView } from '../cart/index.js';
import { PRESCRIPTION_STATUSES } from './e-prescriptions.machine.js';

const text = (max: number) => z.string().trim().min(1).max(max);

export const prescriptionLineBody = z
  .strictObject({
    productId: idSchema.optional().describe('A catalog product; or name a generic ingredient, strength and form'),
    ingredient: text(200).optional().describe('Generic active ingredient (with strength and form, no productId)'),
    strength: text(50).optional().describe('e.g. `500 mg`'),
    form: text(50).optional().describe('Dosage form, e.g. `tablet`; taken from the product when productId is given'),
    dose: text(200).describe('e.g. `1 tablet`'),
    frequency: text(200).describe('e.g. `every 8 hours`'),
    durationDays: z.number().int().min(1).max(365),
    quantity: z.number().int().min(1).max(1000).describe('Units (packs) per fill'),
    refills: z.number().int().min(0).max(12).default(0),
    substitutionAllowed: z
      .boolean()
      .default(true)
      .describe('The pharmacy may give a generic equivalent (same ingredients, strength and form)'),
  })
  .superRefine((l, ctx) => {
    const generic = l.ingredient !== undefined || l.strength !== undefined;
    if (l.productId && generic)
      ctx.addIssue({ code: 'custom', path: ['productId'], message: 'name a product or a generic, not both' });
    if (!l.productId && !(l.ingredient && l.strength && l.form))
      ctx.addIssue({
        code: 'custom',
        path: ['ingredient'],
        message: 'name a product, or a generic ingredient with strength and form',
      });
  });

export const issuePrescriptionBody = z.strictObject({
  lines: z.array(prescriptionLineBody).min(1).max(20),
});
export type IssuePrescriptionBody = z.infer<typeof issuePrescriptionBody>;

export const revokeBody = z.strictObject({ reason: text(500) });
export type RevokeBody = z.infer<typeof revokeBody>;

export const rxToCartBody = z.strictObject({
  branchId: idSchema
    .optional()
    .describe('Fill from this branch’s stock (an allowed substitute when the prescribed product is out)'),
});
export type RxToCartBody = z.infer<typeof rxToCartBody>;

export const prescriptionIdParam = idSchema;
/** Anything a person may type; normalised in the service (case, Crockford look-alikes, hyphens). */
export const verifyCodeParam = z.string().min(1).max(20);
export const prescriptionsQuery = pageQuery;
export type PrescriptionsQuery = z.infer<typeof prescriptionsQuery>;

export const prescriptionLineView = z.object({
  id: z.string(),
  lineNo: z.number().int(),
  productId: z.string().nullable(),
  ingredient: z.string().nullable(),
  strength: z.string().nullable(),
  form: z.string(),
  /** The product's English name, or `ingredient strength` for a generic line. */
  name: z.string(),
  controlled: z.boolean(),
  dose: z.string(),
  frequency: z.string(),
  durationDays: z.number().int(),
  quantity: z.number().int(),
  refills: z.number().int(),
  substitutionAllowed: z.boolean(),
  /** Units handed over so far (never more than quantity × (1 + refills)). */
  dispensed: z.number().int(),
  remaining: z.number().int(),
  refillsLeft: z.number().int(),
  /** The earliest the next fill is accepted (null: never filled yet). */
  nextFillAt: z.string().nullable(),
});

export const prescriptionView = z
  .object({
    id: z.string(),
    /** The consultation it was written in (its id is its appointment's). */
    appointmentId: z.string(),
    doctorId: z.string(),
    doctorName: z.string(),
    patientId: z.string(),
    status: z.enum(PRESCRIPTION_STATUSES),
    /** `valid` (issued, not expired), `expired` or `revoked`. */
    state: z.enum(['valid', 'expired', 'revoked']),
    controlled: z.boolean(),
    issuedAt: z.string(),
    validUntil: z.string(),
    /** The short code a pharmacy verifies (GET /v1/prescriptions/verify/{code}). */
    code: z.string(),
    /** What the QR code encodes: the public verify URL of this code. */
    qrContent: z.string(),
    /** The server's Ed25519 signature of `signedBody` (canonical JSON), by `keyId`. */
    signature: z.object({ keyId: z.string(), value: z.string(), signedBody: z.string() }),
    revokedAt: z.string().nullable(),
    revokeReason: z.string().nullable(),
    lines: z.array(prescriptionLineView),
  })
  .meta({ id: 'Prescription' });
export type PrescriptionView = z.infer<typeof prescriptionView>;
export const prescriptionsPage = pageSchema(prescriptionView);

export const verificationView = z
  .object({
    code: z.string(),
    /** `invalid`: the stored body no longer matches its signature (never fill it). */
    status: z.enum(['valid', 'expired', 'revoked', 'invalid']),
    signatureValid: z.boolean(),
    issuedAt: z.string(),
    validUntil: z.string(),
    revokedAt: z.string().nullable(),
    doctorName: z.string(),
    /** What the paper shows anyway, and what is left to fill: no patient, dose or consultation. */
    lines: z.array(
      z.object({
        lineNo: z.number().int(),
        name: z.string(),
        form: z.string(),
        quantity: z.number().int(),
        refills: z.number().int(),
        refillsLeft: z.number().int(),
        remaining: z.number().int(),
        substitutionAllowed: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'PrescriptionVerification' });
export type VerificationView = z.infer<typeof verificationView>;

export const rxCartResult = z.object({
  /** What each line put in the cart: the prescribed product or a substitute (with why). */
  filled: z.array(
    z.object({
      lineNo: z.number().int(),
      productId: z.string(),
      quantity: z.number().int(),
      substituted: z.boolean(),
      substitutionReason: z.string().nullable(),
    }),
  ),
  cart: cartView,
});
export type RxCartResult = z.infer<typeof rxCartResult>;
