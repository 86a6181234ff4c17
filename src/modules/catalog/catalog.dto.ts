import { z } from 'zod';
import { idSchema } from '../../kernel/http/index.js';
import { isValidGtin } from './catalog.rules.js';

const name = z.string().trim().min(1).max(200);
const shortText = (max: number) => z.string().trim().min(1).max(max);

/** GTIN-8/12/13/14 with a correct check digit. */
export const barcode = z
  .string()
  .trim()
  .regex(/^\d+$/, 'must contain digits only')
  .check((ctx) => {
    if (!isValidGtin(ctx.value))
      ctx.issues.push({
        code: 'invalid_format',
        format: 'gtin',
        input: ctx.value,
        message: 'must be a GTIN of 8, 12, 13 or 14 digits with a correct check digit',
      });
  });

export const idParam = idSchema;

// ---- categories
export const createCategoryBody = z.strictObject({ nameEn: name, nameAr: name, parentId: idSchema.optional() });
export type CreateCategoryBody = z.infer<typeof createCategoryBody>;
export const updateCategoryBody = z
  .strictObject({ nameEn: name.optional(), nameAr: name.optional(), parentId: idSchema.nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field is required' });
export type UpdateCategoryBody = z.infer<typeof updateCategoryBody>;
/** The whole tree usually fits one page; the cursor is there for catalogs that outgrow it. */
export const categoriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  cursor: z.string().max(512).optional(),
});
export type CategoriesQuery = z.infer<typeof categoriesQuery>;

export const categoryView = z
  .object({ id: z.string(), parentId: z.string().nullable(), nameEn: z.string(), nameAr: z.string() })
  .meta({ id: 'Category' });
export type CategoryView = z.infer<typeof categoryView>;
/** Listed parents first (by depth), so a client can build the tree in one pass. */
export const categoryListItem = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    nameEn: z.string(),
    nameAr: z.string(),
    depth: z.number().int(),
  })
  .meta({ id: 'CategoryListItem' });
export type CategoryListItem = z.infer<typeof categoryListItem>;
export const categoriesPage = z.object({ items: z.array(categoryListItem), nextCursor: z.string().nullable() });

// ---- products
const ingredient = z.strictObject({ name: shortText(120), strength: shortText(60) });
/** An https URL, or the id of a file uploaded through /v1/files by the same staff member. */
const image = z.union([z.url({ protocol: /^https$/ }).max(2048), idSchema]);

const productFields = {
  nameEn: name,
  nameAr: name,
  ingredients: z.array(ingredient).min(1).max(20),
  form: shortText(60),
  packSize: shortText(60),
  manufacturer: shortText(120),
  barcode,
  categoryId: idSchema,
  priceMinor: z.number().int().min(0).max(2_147_483_647),
  rxRequired: z.boolean(),
  controlled: z.boolean(),
  images: z.array(image).max(10),
  active: z.boolean(),
};

export const createProductBody = z.strictObject({
  ...productFields,
  images: productFields.images.default([]),
  active: productFields.active.default(true),
});
export type CreateProductBody = z.infer<typeof createProductBody>;

export const updateProductBody = z
  .strictObject({
    ...z.object(productFields).partial().shape,
    /** Optimistic concurrency: the version the client last read; a different current version answers 409. */
    version: z.number().int().min(1).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'version'), { message: 'at least one field is required' });
export type UpdateProductBody = z.infer<typeof updateProductBody>;

export const productView = z
  .object({
    id: z.string(),
    nameEn: z.string(),
    nameAr: z.string(),
    ingredients: z.array(z.object({ name: z.string(), strength: z.string() })),
    form: z.string(),
    packSize: z.string(),
    manufacturer: z.string(),
    barcode: z.string(),
    categoryId: z.string(),
    priceMinor: z.number().int(),
    rxRequired: z.boolean(),
    controlled: z.boolean(),
    images: z.array(z.string()),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Product' });
export type ProductView = z.infer<typeof productView>;

export const importReport = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  /** Rows equal to the stored product: left alone (no version bump). */
  unchanged: z.number().int(),
  rejectedCount: z.number().int(),
  /** The first 1,000 rejected rows; `rejectedCount` has them all. */
  rejected: z.array(z.object({ line: z.number().int(), barcode: z.string().optional(), reason: z.string() })),
});
export type ImportReport = z.infer<typeof importReport>;
