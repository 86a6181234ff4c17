import { z } from 'zod';
import { dateSchema, idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { latQuery, lngQuery } from '../branches/index.js';

const uuid = idSchema;
const lotNumber = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'letters, digits and . _ / - only');
const quantity = z.number().int().min(1).max(1_000_000);
const reason = z.string().trim().min(3).max(500);
const reference = z.string().trim().min(1).max(120);

export const receiveBody = z.strictObject({
  productId: uuid,
  lotNumber,
  expiresOn: dateSchema,
  quantity,
  reference: reference.optional().describe('Delivery note, purchase order'),
});
export type ReceiveBody = z.infer<typeof receiveBody>;

export const adjustBody = z
  .strictObject({
    productId: uuid,
    lotNumber,
    delta: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((n) => n !== 0, 'must not be 0')
      .optional()
      .describe('Units to add (positive) or remove (negative)'),
    countedOnHand: z.number().int().min(0).max(1_000_000).optional().describe('The quantity counted on the shelf'),
    reason,
  })
  .refine((b) => (b.delta === undefined) !== (b.countedOnHand === undefined), {
    path: ['delta'],
    message: 'give exactly one of delta and countedOnHand',
  });
export type AdjustBody = z.infer<typeof adjustBody>;

export const transferBody = z.strictObject({
  toBranchId: uuid,
  productId: uuid,
  lotNumber,
  quantity,
  reason: reason.optional(),
});
export type TransferBody = z.infer<typeof transferBody>;

export const writeOffBody = z.strictObject({
  productId: uuid.optional().describe('Only this product’s expired lots'),
  reason: reason.optional(),
});
export type WriteOffBody = z.infer<typeof writeOffBody>;

export const idParam = uuid;

export const stockQuery = pageQuery.extend({ productId: uuid.optional() });
export type StockQuery = z.infer<typeof stockQuery>;
export const expiringQuery = pageQuery.extend({
  days: z.coerce.number().int().min(0).max(3650).default(30).describe('Expiring within this many days'),
});
export type ExpiringQuery = z.infer<typeof expiringQuery>;
export const movementsQuery = pageQuery.extend({ branchId: uuid.optional() });
export type MovementsQuery = z.infer<typeof movementsQuery>;

export const availabilityQuery = z
  .strictObject({
    lat: latQuery.optional(),
    lng: lngQuery.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine((q) => (q.lat === undefined) === (q.lng === undefined), {
    path: ['lng'],
    message: 'lat and lng go together',
  });
export type AvailabilityQuery = z.infer<typeof availabilityQuery>;

// ---- responses
export const lotView = z.object({
  id: z.string(),
  branchId: z.string(),
  productId: z.string(),
  lotNumber: z.string(),
  expiresOn: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  /** Not expired and not inside the expiry margin. */
  sellable: z.boolean(),
  updatedAt: z.string(),
});
export type LotView = z.infer<typeof lotView>;
export const lotsPage = pageSchema(lotView);

export const transferView = z.object({ reference: z.string(), from: lotView, to: lotView });
export type TransferView = z.infer<typeof transferView>;
export const writeOffView = z.object({
  quantity: z.number().int(),
  lots: z.array(lotView.extend({ writtenOff: z.number().int() })),
});
export type WriteOffView = z.infer<typeof writeOffView>;

export const movementView = z.object({
  id: z.string(),
  lotId: z.string(),
  branchId: z.string(),
  productId: z.string(),
  lotNumber: z.string(),
  expiresOn: z.string(),
  type: z.string(),
  onHandDelta: z.number().int(),
  reservedDelta: z.number().int(),
  actorId: z.string().nullable(),
  actorType: z.string(),
  reason: z.string().nullable(),
  reference: z.string().nullable(),
  createdAt: z.string(),
});
export type MovementView = z.infer<typeof movementView>;
export const movementsPage = pageSchema(movementView);

export const availabilityView = z.object({
  items: z.array(
    z.object({
      branchId: z.string(),
      nameEn: z.string(),
      nameAr: z.string(),
      quantity: z.number().int(),
      distanceKm: z.number().nullable(),
    }),
  ),
});
export type AvailabilityView = z.infer<typeof availabilityView>;
