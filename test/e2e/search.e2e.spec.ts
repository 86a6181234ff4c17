import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff } from '../factories/user.factory.js';
import { createCategory, createProduct, type ProductBody, type ProductInput } from '../factories/catalog.factory.js';
import { createBranch, inDays, insertLot, receive, type BranchBody } from '../factories/inventory.factory.js';
import { invariantViolations } from '../support/invariants.js';
import { normalizeSearch } from '../../src/modules/catalog/index.js';

// Every name carries this run's random stem, so other spec files sharing the database never match.
const stem = Array.from({ length: 6 }, () => 'bcdfghjklmnpqrstvwxz'[randomInt(20)]).join('');
const Stem = stem[0].toUpperCase() + stem.slice(1);
const arStem = Array.from({ length: 5 }, () => 'بتثجحخدذرزسشصضطظعغفقكلمن'[randomInt(25)]).join('');
const ingredient = `${Stem}cillin`;

let t: TestApp;
let admin: string;
let root: string;
let child: string;
let near: BranchBody;
let far: BranchBody;
const p: Record<string, ProductBody> = {};

const product = (key: string, overrides: Partial<ProductInput>) =>
  createProduct(t, admin, overrides.categoryId ?? child, overrides).then((b) => (p[key] = b));
const amoxClav = (strength = '875 mg') => [
  { name: ingredient, strength },
  { name: 'Clavulanic acid', strength: '125 mg' },
];

beforeAll(async () => {
  // Ranked results are cached in production; here every search must see the latest writes.
  t = await bootTestApp({ SEARCH_CACHE_TTL_SECONDS: '0' });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  root = (await createCategory(t, admin)).id;
  child = (await createCategory(t, admin, { parentId: root })).id;
  near = await createBranch(t, admin, {
    nameEn: `Medyour ${Stem} Zamalek`,
    nameAr: `صيدلية ${arStem} الزمالك`,
    address: `26 July Street ${stem}`,
    lat: 30.0626,
    lng: 31.2197,
    deliveryRadiusKm: 5,
  });
  far = await createBranch(t, admin, { lat: 31.2001, lng: 29.9187, deliveryRadiusKm: 10 }); // Alexandria

  // Brand names first in Latin, then Arabic with the variants people type differently.
  await product('brand', {
    nameEn: `${Stem}mentin 1 g`,
    nameAr: `أُ${arStem}مِنتينة`,
    ingredients: amoxClav(),
    priceMinor: 12_000,
    rxRequired: true,
  });
  await product('brand625', {
    nameEn: `${Stem}mentin 625 mg`,
    nameAr: `${arStem}ى`,
    ingredients: amoxClav('500 mg'),
    priceMinor: 9_000,
    rxRequired: true,
  });
  await product('generic', {
    nameEn: `${Stem}cillin Junior`,
    nameAr: 'جونيور',
    ingredients: [{ name: ingredient, strength: '250 mg' }],
    form: 'suspension',
    priceMinor: 3_000,
    categoryId: root,
  });
  // Substitutes of `brand`: same ingredients and strengths (any order, spacing, case), same form.
  await product('subFar', {
    nameEn: `Clavo ${stem} 1 g`,
    nameAr: 'كلافو',
    ingredients: [
      { name: 'clavulanic ACID', strength: '125mg' },
      { name: ingredient.toUpperCase(), strength: '875 MG' },
    ],
    form: 'Tablet',
    priceMinor: 15_000,
    rxRequired: true,
  });
  await product('subNear', {
    nameEn: `Moxiclav ${stem}`,
    nameAr: 'موكسي كلاف',
    ingredients: amoxClav(),
    priceMinor: 8_000,
    rxRequired: true,
  });
  await product('subNone', {
    nameEn: `Amclav ${stem}`,
    nameAr: 'امكلاف',
    ingredients: amoxClav(),
    priceMinor: 10_000,
    rxRequired: true,
  });
  await product('otherForm', { nameEn: `Susp ${stem}`, ingredients: amoxClav(), form: 'suspension', rxRequired: true });
  await product('inactive', { nameEn: `${Stem}mentin Old`, ingredients: amoxClav(), rxRequired: true, active: false });
  // Equal relevance for "<stem>twin": the one in stock must come first although created last.
  await product('twinOut', { nameEn: `${Stem}twin A`, nameAr: 'توأم', priceMinor: 500 });
  await product('twinIn', { nameEn: `${Stem}twin B`, nameAr: 'توأم', priceMinor: 500 });
  await product('expired', { nameEn: `${Stem}twin Expired`, nameAr: 'منتهي', priceMinor: 500 });
  await product('expiring', { nameEn: `${Stem}twin Expiring`, nameAr: 'قريب', priceMinor: 500 });

  await receive(t, admin, near.id, { productId: p.subNear.id, quantity: 5 });
  await receive(t, admin, far.id, { productId: p.subFar.id, quantity: 5 });
  await receive(t, admin, near.id, { productId: p.twinIn.id, quantity: 1 });
  await receive(t, admin, near.id, { productId: p.brand.id, quantity: 3 });
  // Expired, and expiring inside the 30-day margin: neither is sellable, so neither is "in stock".
  await insertLot(t, {
    branchId: near.id,
    productId: p.expired.id,
    lotNumber: 'EXP',
    expiresOn: inDays(-3),
    onHand: 9,
  });
  await receive(t, admin, near.id, { productId: p.expiring.id, quantity: 4, expiresOn: inDays(10) });
});
afterAll(async () => {
  expect(await invariantViolations(t.database)).toEqual([]);
  await t?.close();
});

type Item = { id: string; nameEn: string; inStock: boolean };
const list = async (query: string) => {
  const res = await t.http.get(`/v1/products?${query}`);
  expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as { items: Item[]; nextCursor: string | null };
};
const ids = (items: Item[]) => items.map((i) => i.id);
const q = (text: string) => `q=${encodeURIComponent(text)}&limit=100`;

describe('GET /v1/products?q=', () => {
  it('matches prefixes while typing (brand names in English)', async () => {
    const found = ids((await list(q(`${stem}men`))).items);
    expect(found).toEqual(expect.arrayContaining([p.brand.id, p.brand625.id]));
    expect(found).not.toContain(p.inactive.id);
    expect(found).not.toContain(p.subNear.id);
  });

  it('forgives typos (a letter missed)', async () => {
    const found = ids((await list(q(`${stem}mentn`))).items);
    expect(found).toEqual(expect.arrayContaining([p.brand.id, p.brand625.id]));
  });

  it('folds Arabic variants: hamza on alef, alef maqsura, ta marbuta, diacritics', async () => {
    for (const text of [`ا${arStem}منتينه`, `إ${arStem}مِنْتينة`, `آ${arStem}`, `أُ${arStem}`]) {
      expect(ids((await list(q(text))).items), text).toContain(p.brand.id);
    }
    expect(ids((await list(q(`${arStem}ي`))).items)).toContain(p.brand625.id);
  });

  it('matches generic names, and ranks a brand-name match above an ingredient match', async () => {
    const found = ids((await list(q(ingredient))).items);
    expect(found[0]).toBe(p.generic.id);
    expect(found).toEqual(expect.arrayContaining([p.brand.id, p.subNear.id, p.subFar.id]));
  });

  it('ranks equally relevant products in stock first (expired or soon-expiring stock does not count)', async () => {
    const items = (await list(q(`${stem}twin`))).items;
    expect(ids(items)[0]).toBe(p.twinIn.id);
    expect(items[0].inStock).toBe(true);
    const rest = items.slice(1);
    expect(ids(rest)).toEqual(expect.arrayContaining([p.twinOut.id, p.expired.id, p.expiring.id]));
    expect(rest.every((i) => !i.inStock)).toBe(true);
  });

  it('filters by category subtree, prescription flag and stock at a branch', async () => {
    const all = `${q(stem)}`;
    const inRoot = ids((await list(`${all}&categoryId=${root}`)).items);
    expect(inRoot).toEqual(expect.arrayContaining([p.generic.id, p.brand.id]));
    const inChild = ids((await list(`${all}&categoryId=${child}`)).items);
    expect(inChild).toContain(p.brand.id);
    expect(inChild).not.toContain(p.generic.id);
    const rx = (await list(`${all}&rx=true`)).items;
    expect(rx.length).toBeGreaterThan(0);
    expect(ids(rx)).not.toContain(p.generic.id);
    expect(ids((await list(`${all}&rx=false`)).items)).toContain(p.generic.id);
    const stocked = ids((await list(`${all}&inStockAt=${near.id}`)).items);
    expect(stocked.sort()).toEqual([p.brand.id, p.subNear.id, p.twinIn.id].sort());
    expect(ids((await list(`${all}&inStockAt=${far.id}`)).items)).toEqual([p.subFar.id]);
  });

  it('walks the ranked order page by page with a keyset cursor: same order, no duplicates', async () => {
    const whole = ids((await list(q(stem))).items);
    expect(whole.length).toBeGreaterThanOrEqual(10);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`q=${stem}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...ids(page.items));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toEqual(whole);
  });

  it('needs every word: the longest finds candidates, the others narrow them (in any order)', async () => {
    expect(ids((await list(q(`${stem}mentin 625`))).items)).toEqual([p.brand625.id]);
    expect(ids((await list(q(`625 ${stem}men`))).items)).toEqual([p.brand625.id]);
    expect(ids((await list(q(`${Stem}mentin gsk625`))).items)).toEqual([]);
  });

  it('walks typo matches page by page without switching to prefix matches', async () => {
    const whole = (await list(q(`${stem}mentn`))).items;
    expect(ids(whole)).toEqual(expect.arrayContaining([p.brand.id, p.brand625.id]));
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`q=${stem}mentn&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...ids(page.items));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toEqual(ids(whole));
  });

  it('follows every write: renamed, deactivated and reactivated products are found by what they are now', async () => {
    const renamed = await product('renamed', { nameEn: `Zq${stem}old 5 mg`, nameAr: 'قديم' });
    // Only prefix matches start with the query; when none does, typo matching may offer other products.
    const startsWith = async (text: string) =>
      (await list(q(text))).items.filter((i) => normalizeSearch(i.nameEn).startsWith(text)).map((i) => i.id);
    expect(await startsWith(`zq${stem}ol`)).toEqual([renamed.id]);
    const patch = (body: object) =>
      t.http.patch(`/v1/admin/products/${renamed.id}`, body, admin).then((r) => {
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      });
    await patch({ nameEn: `Wv${stem}new 5 mg` });
    expect(ids((await list(q(`zq${stem}ol`))).items)).not.toContain(renamed.id);
    expect(await startsWith(`wv${stem}ne`)).toEqual([renamed.id]);
    await patch({ active: false });
    expect(ids((await list(q(`wv${stem}ne`))).items)).not.toContain(renamed.id);
    await patch({ active: true });
    expect(await startsWith(`wv${stem}ne`)).toEqual([renamed.id]);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('gives the same first page whether the best matches fill it with stock or not (stock looked up lazily)', async () => {
    const made: ProductBody[] = [];
    for (const letter of 'ABCDEF') made.push(await product(`lazy${letter}`, { nameEn: `${Stem}lazy ${letter}` }));
    const stocked = [made[1], made[2], made[4], made[5]];
    const own = await createBranch(t, admin, { lat: 29.9668, lng: 32.5498 }); // Suez: other tests count `near`
    for (const m of stocked) await receive(t, admin, own.id, { productId: m.id, quantity: 2 });
    const expected = [...stocked, made[0], made[3]].map((m) => m.id);
    // limit 2: the best matches hold 2 in stock, so the page is read without ranking the rest.
    expect(ids((await list(`q=${stem}lazy&limit=2`)).items)).toEqual(expected.slice(0, 2));
    // limit 5: only 4 in stock, every match is ranked.
    expect(ids((await list(`q=${stem}lazy&limit=5`)).items)).toEqual(expected.slice(0, 5));
    expect(ids((await list(`q=${stem}lazy&limit=100`)).items)).toEqual(expected);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`q=${stem}lazy&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...ids(page.items));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toEqual(expected);
  });

  it('indexes products written concurrently with the same new words (no deadlock, nothing lost)', async () => {
    const made = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        createProduct(t, admin, child, { nameEn: `Yx${stem}conc ${i % 3} Yx${stem}shared`, nameAr: 'متزامن' }),
      ),
    );
    const found = ids((await list(`q=yx${stem}shared&limit=100`)).items);
    expect(found.sort()).toEqual(made.map((m) => m.id).sort());
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('corrects typos to words some active product still holds (words of renamed products are skipped)', async () => {
    // Six products whose words are closer to the query than the live one, then renamed away: their words
    // stay in the dictionary but must not take the places of the live word.
    for (let i = 1; i <= 6; i++) {
      const gone = await product(`gone${i}`, { nameEn: `Kq${stem}orbit${i}` });
      const res = await t.http.patch(`/v1/admin/products/${gone.id}`, { nameEn: `Mm${stem}moved ${i}` }, admin);
      expect(res.status).toBe(200);
    }
    const live = await product('live', { nameEn: `Kq${stem}orbxyz` });
    expect(ids((await list(q(`kq${stem}orbit`))).items)).toEqual([live.id]);
  });

  it('answers nothing (not an error) for a query with no letters or digits', async () => {
    expect(await list('q=%21%3F')).toEqual({ items: [], nextCursor: null });
  });
});

describe('GET /v1/products (browse)', () => {
  it('lists active products in id order and walks them with a cursor, without duplicates or gaps', async () => {
    const whole = ids((await list(`categoryId=${root}&limit=100`)).items);
    expect(whole).toEqual([...whole].sort());
    expect(whole).toContain(p.generic.id);
    expect(whole).not.toContain(p.inactive.id);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`categoryId=${root}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      walked.push(...ids(page.items));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toEqual(whole);
  });

  it('keeps only products sellable at a branch, and says which are in stock', async () => {
    const items = (await list(`inStockAt=${near.id}&limit=100`)).items;
    expect(ids(items).sort()).toEqual([p.brand.id, p.subNear.id, p.twinIn.id].sort());
    expect(items.every((i) => i.inStock)).toBe(true);
    const browse = (await list(`categoryId=${child}&limit=100`)).items;
    expect(browse.find((i) => i.id === p.subFar.id)?.inStock).toBe(true);
    expect(browse.find((i) => i.id === p.expired.id)?.inStock).toBe(false);
  });

  it('answers 400 with field codes for bad parameters and cursors', async () => {
    const cases = [
      `q=${'a'.repeat(101)}`,
      'q=',
      'q=%20%20',
      'limit=0',
      'limit=101',
      'rx=maybe',
      'categoryId=nope',
      'inStockAt=123',
      'cursor=garbage',
      'color=red',
    ];
    for (const query of cases) {
      const res = await t.http.get(`/v1/products?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code, query).toMatch(/^common\/(validation-failed|invalid-cursor)$/);
    }
    // A browse cursor is not a ranked cursor (and the other way round).
    const browseCursor = (await list('limit=1')).nextCursor!;
    const mixed = await t.http.get(`/v1/products?q=${stem}&cursor=${browseCursor}`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.code).toBe('common/invalid-cursor');
  });
});

describe('GET /v1/search', () => {
  it('answers typed sections: products, doctors, specialties and branches (by English, Arabic or address)', async () => {
    const res = await t.http.get(`/v1/search?q=${stem}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['branches', 'doctors', 'products', 'specialties']);
    expect(res.body.products.length).toBe(10);
    expect(res.body.doctors).toEqual([]);
    expect(res.body.specialties).toEqual([]);
    expect(res.body.branches).toEqual([
      { id: near.id, nameEn: near.nameEn, nameAr: near.nameAr, address: near.address },
    ]);
    const arabic = await t.http.get(`/v1/search?q=${encodeURIComponent(`صيدليه ${arStem}`)}`);
    expect(arabic.body.branches.map((b: { id: string }) => b.id)).toEqual([near.id]);
    expect(arabic.body.products).toEqual([]);
  });

  it('matches branch names in the database when the chain is too big to hold in memory', async () => {
    const big = await bootTestApp({ SEARCH_CACHE_TTL_SECONDS: '0', BRANCHES_IN_MEMORY_MAX: '0' });
    try {
      for (const text of [`${stem} zamalek`, `صيدليه ${arStem}`, `july ${stem}`]) {
        const [inMemory, inDb] = await Promise.all([
          t.http.get(`/v1/search?q=${encodeURIComponent(text)}`),
          big.http.get(`/v1/search?q=${encodeURIComponent(text)}`),
        ]);
        expect(inDb.body.branches, text).toEqual(inMemory.body.branches);
        expect(
          inDb.body.branches.map((b: { id: string }) => b.id),
          text,
        ).toEqual([near.id]);
      }
    } finally {
      await big.close();
    }
  });

  it('answers 400 for a missing, empty or over-long query', async () => {
    for (const query of ['', 'q=', `q=${'x'.repeat(101)}`, 'q=a&extra=1']) {
      expect((await t.http.get(`/v1/search?${query}`)).status, query).toBe(400);
    }
    expect((await t.http.get('/v1/search?q=%21%21')).body).toEqual({
      products: [],
      doctors: [],
      specialties: [],
      branches: [],
    });
  });
});

describe('GET /v1/products/{id}/substitutes', () => {
  type Sub = Item & { priceDifferenceMinor: number; inStockNearby: boolean | null; nearestBranchKm: number | null };
  const subs = async (id: string, query = '') => {
    const res = await t.http.get(`/v1/products/${id}/substitutes?limit=100${query}`);
    expect(res.status).toBe(200);
    return res.body as { items: Sub[]; nextCursor: string | null };
  };

  it('lists other active products with the same ingredients, strengths and form, cheapest first', async () => {
    const { items } = await subs(p.brand.id);
    expect(ids(items)).toEqual([p.subNear.id, p.subNone.id, p.subFar.id]);
    expect(items.map((i) => i.priceDifferenceMinor)).toEqual([-4_000, -2_000, 3_000]);
    expect(items.map((i) => i.inStock)).toEqual([true, false, true]);
    expect(items.every((i) => i.inStockNearby === null && i.nearestBranchKm === null)).toBe(true);
  });

  it('given a point, says which are in stock at a branch that delivers there (or within pickup distance)', async () => {
    const { items } = await subs(p.brand.id, '&lat=30.0561&lng=31.2243');
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get(p.subNear.id)).toMatchObject({ inStockNearby: true });
    expect(byId.get(p.subNear.id)!.nearestBranchKm).toBeGreaterThan(0.5);
    expect(byId.get(p.subNear.id)!.nearestBranchKm).toBeLessThan(1.5);
    // In stock in Alexandria, about 180 km away: not nearby.
    expect(byId.get(p.subFar.id)).toMatchObject({ inStock: true, inStockNearby: false, nearestBranchKm: null });
    expect(byId.get(p.subNone.id)).toMatchObject({ inStockNearby: false });
  });

  it('pages with a cursor, and answers 404 for unknown or inactive products and 400 for bad input', async () => {
    const first = (await t.http.get(`/v1/products/${p.brand.id}/substitutes?limit=2`)).body;
    expect(first.items).toHaveLength(2);
    const second = (await t.http.get(`/v1/products/${p.brand.id}/substitutes?limit=2&cursor=${first.nextCursor}`)).body;
    expect(ids([...first.items, ...second.items])).toEqual([p.subNear.id, p.subNone.id, p.subFar.id]);
    expect(second.nextCursor).toBeNull();

    for (const id of [randomUUID(), p.inactive.id]) {
      const res = await t.http.get(`/v1/products/${id}/substitutes`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('catalog/product-not-found');
    }
    for (const query of ['lat=30', 'lat=91&lng=31', 'lat=x&lng=1', 'cursor=bad']) {
      expect((await t.http.get(`/v1/products/${p.brand.id}/substitutes?${query}`)).status, query).toBe(400);
    }
    expect((await t.http.get('/v1/products/not-a-uuid/substitutes')).status).toBe(400);
  });
});
