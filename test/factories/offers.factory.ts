import { randomUUID } from 'node:crypto';
import type { TestApp } from '../setup/app.js';
import { newId } from '../../src/kernel/ids.js';
import { categories, products } from '../../src/modules/catalog/catalog.tables.js';
import { ingredientsKeyOf, searchTextOf } from '../../src/modules/catalog/index.js';

const HOUR = 3_600_000;

/**
 * Category and product rows for offer tests, written straight to the tables (the catalog module's routes
 * are not what these tests are about).
 */
export async function insertCategory(t: TestApp, overrides: Partial<typeof categories.$inferInsert> = {}) {
  const [row] = await t.database.db
    .insert(categories)
    .values({ nameEn: `Category ${randomUUID().slice(0, 6)}`, nameAr: 'فئة', ...overrides })
    .returning();
  return row;
}

export async function insertProduct(
  t: TestApp,
  overrides: Partial<typeof products.$inferInsert> & { categoryId?: string } = {},
) {
  const categoryId = overrides.categoryId ?? (await insertCategory(t)).id;
  const base = {
    nameEn: `Panadol ${randomUUID().slice(0, 6)}`,
    nameAr: 'بنادول',
    ingredients: [{ name: 'Paracetamol', strength: '500 mg' }],
    manufacturer: 'GSK',
  };
  const p = { ...base, ...overrides };
  const [row] = await t.database.db
    .insert(products)
    .values({
      form: 'tablet',
      packSize: '24 tablets',
      barcode: String(Date.now()) + String(Math.floor(Math.random() * 1e6)).padStart(6, '0'),
      priceMinor: 4500,
      ...p,
      categoryId,
      ingredientsKey: ingredientsKeyOf(p.ingredients),
      searchText: searchTextOf(p),
    })
    .returning();
  return row;
}

/** A valid create-offer body: a 10% cart offer running from an hour ago for a day. */
export function buildOffer(overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    nameEn: `Spring sale ${newId().slice(-6)}`,
    nameAr: 'تخفيضات الربيع',
    kind: 'percentage',
    value: 10,
    scope: 'cart',
    startsAt: new Date(now - HOUR).toISOString(),
    endsAt: new Date(now + 24 * HOUR).toISOString(),
    ...overrides,
  };
}

/** Creates an offer through the admin API and returns its view. */
export async function createOffer(t: TestApp, token: string, overrides: Record<string, unknown> = {}) {
  const res = await t.http.post('/v1/admin/offers', buildOffer(overrides), token);
  if (res.status !== 201) throw new Error(`create offer failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.offer as { id: string; couponCode: string | null; usedCount: number } & Record<string, unknown>;
}

export const uniqueCoupon = (prefix = 'NILE') => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 10)}`;
