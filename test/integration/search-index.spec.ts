import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogRepository } from '../../src/modules/catalog/catalog.repository.js';
import { ingredientsKeyOf, searchTextOf } from '../../src/modules/catalog/index.js';
import type { ImportProduct } from '../../src/modules/catalog/catalog.csv.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff } from '../factories/user.factory.js';
import { createCategory } from '../factories/catalog.factory.js';
import { invariantViolations } from '../support/invariants.js';

/**
 * The search word index is written by triggers inside every product write. An upsert fires its UPDATE and
 * its INSERT trigger, each adding a sorted run of new dictionary words, so two writers could take the same
 * words' locks in opposite orders (a review reproduced deadlocks with raw SQL); new words are therefore added
 * one writer at a time (search_words_add). This drill runs the import path from 8 writers at once.
 */
let t: TestApp;
let categoryId: string;
const letters = 'bcdfghjklmnpqrstvwxz';
const word = () => Array.from({ length: 8 }, () => letters[randomInt(letters.length)]).join('');
const barcodeBase = 640_000_000_000 + randomInt(1_000_000) * 1000;

function row(barcode: number, words: string[]): ImportProduct {
  const named = {
    nameEn: words.join(' '),
    nameAr: 'منتج',
    ingredients: [{ name: 'Paracetamol', strength: '500 mg' }],
    manufacturer: 'Concurrent Labs',
  };
  return {
    ...named,
    ingredientsKey: ingredientsKeyOf(named.ingredients),
    form: 'tablet',
    packSize: '20 tablets',
    barcode: String(barcode),
    categoryId,
    priceMinor: 1000,
    rxRequired: false,
    controlled: false,
    images: [],
    active: true,
    searchText: searchTextOf(named),
  };
}

beforeAll(async () => {
  t = await bootTestApp();
  const admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  categoryId = (await createCategory(t, admin)).id;
});
afterAll(async () => {
  await t?.close();
});

describe('search word index under concurrent writes', () => {
  it('takes upserts and creates with overlapping new words from 8 writers at once: none fails, nothing is lost', async () => {
    const repo = t.app.get(CatalogRepository);
    const WRITERS = 8;
    const ROUNDS = 20;
    for (let w = 0; w < WRITERS; w++) await repo.upsertProducts([row(barcodeBase + w, [word()])]);
    // Per round, a small pool of new words all writers draw from (in random order), so they meet on them.
    const pools = Array.from({ length: ROUNDS }, () => Array.from({ length: 6 }, word));
    const last = new Map<number, string[]>();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let r = 0; r < ROUNDS; r++) {
          const pool = pools[r];
          const updated = [pool[randomInt(6)], pool[randomInt(6)], word()];
          const inserted = [pool[randomInt(6)], word()];
          await repo.upsertProducts([row(barcodeBase + w, updated), row(barcodeBase + 100 + w * ROUNDS + r, inserted)]);
          last.set(w, updated);
        }
      }),
    );
    expect(await invariantViolations(t.database)).toEqual([]);
    for (const [w, words] of last) {
      const res = await t.http.get(`/v1/products?q=${words[2]}&limit=5`);
      expect(
        res.body.items.map((i: { barcode?: string; nameEn: string }) => i.nameEn),
        `writer ${w}`,
      ).toEqual([words.join(' ')]);
    }
  });
});
