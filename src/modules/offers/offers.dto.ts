import { z } from 'zod';
import { idSchema, instantSchema, pageQuery } from '../../kernel/http/index.js';

const INT32 = 2_147_483_647;
const name = z.string().trim().min(1).max(200);
const instant = instantSchema;
const limit = z.number().int().min(1).max(INT32);
/** Letters, digits, dash and underscore; compared case-insensitively and stored in upper case. */
const couponCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{3,32}$/, 'must be 3-32 letters, digits, dashes or underscores');

export const offerKind = z.enum(['percentage', 'fixed']);
export const offerScope = z.enum(['product', 'category', 'cart']);

const terms = {
  nameEn: name,
  nameAr: name,
  kind: offerKind,
  /** Percentage: whole percent 1-100. Fixed: minor units. */
  value: z.number().int().min(1).max(INT32),
  scope: offerScope,
  productId: idSchema.nullable().optional(),
  categoryId: idSchema.nullable().optional(),
  startsAt: instant,
  endsAt: instant,
  minCartMinor: z.number().int().min(0).max(INT32),
  globalLimit: limit.nullable(),
  perCustomerLimit: limit.nullable(),
  couponCode: couponCode.nullable(),
  appliesToRestricted: z.boolean(),
  active: z.boolean(),
};

export const createOfferBody = z.strictObject({
  ...terms,
  minCartMinor: terms.minCartMinor.default(0),
  globalLimit: terms.globalLimit.optional(),
  perCustomerLimit: terms.perCustomerLimit.optional(),
  couponCode: terms.couponCode.optional(),
  appliesToRestricted: terms.appliesToRestricted.default(false),
  active: terms.active.default(true),
});
export type CreateOfferBody = z.infer<typeof createOfferBody>;

/** Every field may change except the usage count; `null` clears a limit, a coupon or a target. */
export const updateOfferBody = z
  .strictObject({
    nameEn: terms.nameEn.optional(),
    nameAr: terms.nameAr.optional(),
    kind: terms.kind.optional(),
    value: terms.value.optional(),
    scope: terms.scope.optional(),
    productId: terms.productId,
    categoryId: terms.categoryId,
    startsAt: terms.startsAt.optional(),
    endsAt: terms.endsAt.optional(),
    minCartMinor: terms.minCartMinor.optional(),
    globalLimit: terms.globalLimit.optional(),
    perCustomerLimit: terms.perCustomerLimit.optional(),
    couponCode: terms.couponCode.optional(),
    appliesToRestricted: terms.appliesToRestricted.optional(),
    active: terms.active.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field is required' });
export type UpdateOfferBody = z.infer<typeof updateOfferBody>;

export const offerStatus = z.enum(['active', 'scheduled', 'ended', 'inactive']);
export const adminOffersQuery = pageQuery.extend({
  status: offerStatus.optional(),
  q: z.string().trim().min(1).max(100).optional(),
  couponCode: z.string().trim().min(1).max(32).optional(),
});
export type AdminOffersQuery = z.infer<typeof adminOffersQuery>;

export const publicOffersQuery = pageQuery.extend({
  scope: offerScope.optional(),
  productId: idSchema.optional(),
  categoryId: idSchema.optional(),
});
export type PublicOffersQuery = z.infer<typeof publicOffersQuery>;

export const offerIdParam = idSchema;

// ---- responses
const publicFields = {
  id: z.string(),
  nameEn: z.string(),
  nameAr: z.string(),
  kind: offerKind,
  value: z.number().int(),
  scope: offerScope,
  productId: z.string().nullable(),
  categoryId: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  minCartMinor: z.number().int(),
  perCustomerLimit: z.number().int().nullable(),
  appliesToRestricted: z.boolean(),
};
/** What anyone may see. Coupon offers are not listed at all (see OffersService.listActive). */
export const publicOfferView = z.object(publicFields);
export type PublicOfferView = z.infer<typeof publicOfferView>;
export const adminOfferView = z.object({
  ...publicFields,
  globalLimit: z.number().int().nullable(),
  usedCount: z.number().int(),
  couponCode: z.string().nullable(),
  active: z.boolean(),
  status: offerStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AdminOfferView = z.infer<typeof adminOfferView>;
export const adminOfferResponse = z.object({ offer: adminOfferView });
export const adminOffersPage = z.object({ items: z.array(adminOfferView), nextCursor: z.string().nullable() });
export const publicOffersPage = z.object({ items: z.array(publicOfferView), nextCursor: z.string().nullable() });
