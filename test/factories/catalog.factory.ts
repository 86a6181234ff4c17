import { randomInt } from 'node:crypto';
import { gtinCheckDigit } from '../../src/modules/catalog/index.js';
import type { z } from 'zod';
import type { TestApp } from '../setup/app.js';
import type { createProductBody } from '../../src/modules/catalog/catalog.dto.js';

let seq = 0;

/** A valid, practically unique GTIN-13 (random body, correct check digit). */
export function uniqueGtin(): string {
  const body = `6${String(Date.now() % 1e6).padStart(6, '0')}${String((seq++ % 100) * 1000 + randomInt(1000)).padStart(5, '0')}`;
  return body + gtinCheckDigit(body);
}

export function buildCategory(overrides: Partial<{ nameEn: string; nameAr: string; parentId: string }> = {}) {
  const n = `${Date.now().toString(36)}${(seq++).toString(36)}`;
  return { nameEn: `Category ${n}`, nameAr: `فئة ${n}`, ...overrides };
}

export async function createCategory(t: TestApp, token: string, overrides: Parameters<typeof buildCategory>[0] = {}) {
  const res = await t.http.post('/v1/admin/categories', buildCategory(overrides), token);
  if (res.status !== 201) throw new Error(`category create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; parentId: string | null; nameEn: string; nameAr: string };
}

/** The body of POST /v1/admin/products (the route's own schema; images and active have defaults). */
export type ProductInput = z.input<typeof createProductBody>;

export function buildProduct(categoryId: string, overrides: Partial<ProductInput> = {}): ProductInput {
  return {
    nameEn: 'Panadol',
    nameAr: 'بنادول',
    ingredients: [{ name: 'Paracetamol', strength: '500 mg' }],
    form: 'tablet',
    packSize: '24 tablets',
    manufacturer: 'GSK',
    barcode: uniqueGtin(),
    categoryId,
    priceMinor: 4550,
    rxRequired: false,
    controlled: false,
    ...overrides,
  };
}

export type ProductBody = ProductInput & { id: string; version: number; active: boolean; images: string[] };

export async function createProduct(
  t: TestApp,
  token: string,
  categoryId: string,
  overrides: Partial<ProductInput> = {},
): Promise<ProductBody> {
  const res = await t.http.post('/v1/admin/products', buildProduct(categoryId, overrides), token);
  if (res.status !== 201) throw new Error(`product create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ProductBody;
}
