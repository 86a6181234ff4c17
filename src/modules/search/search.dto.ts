import { z } from 'zod';
import { flagQuery, idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { latQuery, lngQuery } from '../branches/index.js';
import { productView } from '../catalog/index.js';

/** What the user typed: normalised (Arabic letter variants, diacritics, case) before it is matched. */
const q = z.string().trim().min(1).max(100);

export const listProductsQuery = pageQuery.extend({
  q: q.optional(),
  categoryId: idSchema.optional(),
  rx: flagQuery.optional(),
  inStockAt: idSchema.optional(),
});
export type ListProductsQuery = z.infer<typeof listProductsQuery>;

export const searchQuery = z.strictObject({ q });
export type SearchQuery = z.infer<typeof searchQuery>;

export const substitutesQuery = pageQuery
  .extend({ lat: latQuery.optional(), lng: lngQuery.optional() })
  .refine((v) => (v.lat === undefined) === (v.lng === undefined), {
    path: ['lng'],
    message: 'lat and lng go together',
  });
export type SubstitutesQuery = z.infer<typeof substitutesQuery>;

export const productIdParam = idSchema;

// ---- responses (small on purpose: the full product is GET /v1/products/{id})
const productSummaryShape = {
  ...productView.pick({
    id: true,
    nameEn: true,
    nameAr: true,
    ingredients: true,
    form: true,
    packSize: true,
    manufacturer: true,
    categoryId: true,
    priceMinor: true,
    rxRequired: true,
    controlled: true,
  }).shape,
  /** The first image, if any. */
  image: z.string().nullable(),
  /** Sellable stock (not expiring within the margin) at an active branch, or at `inStockAt` when given. */
  inStock: z.boolean(),
};
export const productSummary = z.object(productSummaryShape).meta({ id: 'ProductSummary' });
export type ProductSummary = z.infer<typeof productSummary>;
export const productsPage = pageSchema(productSummary);

export const substituteView = z
  .object({
    ...productSummaryShape,
    /** This product's price minus the original's (negative: cheaper). */
    priceDifferenceMinor: z.number().int(),
    /** Given lat,lng: sellable at a branch that delivers there or is within pickup distance; else null. */
    inStockNearby: z.boolean().nullable(),
    nearestBranchKm: z.number().nullable(),
  })
  .meta({ id: 'Substitute' });
export type SubstituteView = z.infer<typeof substituteView>;
export const substitutesPage = pageSchema(substituteView);

export const branchHit = z.object({
  id: z.string(),
  nameEn: z.string(),
  nameAr: z.string(),
  address: z.string(),
});
export type BranchHit = z.infer<typeof branchHit>;

export const searchResponse = z.object({
  products: z.array(productSummary),
  /** Empty until the care module (doctors, specialties) exists. */
  doctors: z.array(z.object({ id: z.string() })),
  specialties: z.array(z.object({ id: z.string() })),
  branches: z.array(branchHit),
});
export type SearchResponse = z.infer<typeof searchResponse>;
