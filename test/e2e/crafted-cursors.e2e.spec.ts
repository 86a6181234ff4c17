import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff } from '../factories/user.factory.js';
import { createCategory, createProduct } from '../factories/catalog.factory.js';
import { createBranch, receive } from '../factories/inventory.factory.js';
import { buildOffer, createOffer } from '../factories/offers.factory.js';
import { encodeCursor } from '../../src/kernel/http/index.js';

/**
 * Well-formed cursors (the shape each route itself hands out) carrying values PostgreSQL refuses: integers
 * past int4 (or even 2^53), year-0000 dates, NUL in text. Each used to reach SQL and answer 500; each must
 * now be 400 common/invalid-cursor. Dates sent as input are checked the same way (400 validation).
 */
let t: TestApp;
let admin: string;
let productId: string;
let branchId: string;
const ID = '0190a0c8-0000-7000-8000-000000000001';
const raw = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

beforeAll(async () => {
  t = await bootTestApp({ SEARCH_CACHE_TTL_SECONDS: '0' });
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  const category = await createCategory(t, admin);
  productId = (await createProduct(t, admin, category.id)).id;
  branchId = (await createBranch(t, admin)).id;
  await receive(t, admin, branchId, { productId, quantity: 3 });
});
afterAll(async () => {
  await t?.close();
});

const expectInvalidCursor = async (url: string, token?: string) => {
  const res = await t.http.get(url, token);
  expect(res.status, `${url} → ${JSON.stringify(res.body)}`).toBe(400);
  expect(res.body.code).toBe('common/invalid-cursor');
};

describe('crafted cursors answer 400 common/invalid-cursor, never 500', () => {
  it.each([
    ['2^53 - 1', 2 ** 53 - 1],
    ['2^31', 2 ** 31],
    ['-2^31 - 1', -(2 ** 31) - 1],
  ])('GET /v1/products?q= with a ranked cursor whose score is %s', async (_name, score) => {
    await expectInvalidCursor(`/v1/products?q=panadol&cursor=${encodeCursor(['r', score, 1, ID])}`);
  });

  it.each([
    ['2^53 - 1', 2 ** 53 - 1],
    ['2^31', 2 ** 31],
    ['a negative price', -1],
  ])('GET /v1/products/:id/substitutes with a cursor whose price is %s', async (_name, price) => {
    await expectInvalidCursor(`/v1/products/${productId}/substitutes?cursor=${encodeCursor([price, ID])}`);
  });

  it.each(['0000-01-01T00:00:00.000Z', '0000-12-31T23:59:59Z', '9999-12-31T23:59:59-10:00'])(
    'GET /v1/offers with a cursor dated %s',
    async (endsAt) => {
      await expectInvalidCursor(`/v1/offers?cursor=${encodeCursor([endsAt, ID])}`);
    },
  );

  it.each(['0000-01-01', '0000-02-29'])('GET stock/expiring with a cursor dated %s', async (expiresOn) => {
    await expectInvalidCursor(
      `/v1/admin/branches/${branchId}/stock/expiring?cursor=${encodeCursor([expiresOn, ID])}`,
      admin,
    );
  });

  it('GET stock with a cursor whose lot number holds NUL (text cannot store it)', async () => {
    await expectInvalidCursor(`/v1/admin/branches/${branchId}/stock?cursor=${raw([ID, 'LOT\u0000'])}`, admin);
  });

  it('GET /v1/branches/nearest with a cursor whose distance is past any point on Earth', async () => {
    await expectInvalidCursor(`/v1/branches?lat=30&lng=31&cursor=${encodeCursor([1e308, ID, 0])}`);
  });

  it('GET /v1/categories with a cursor whose depth is past int4', async () => {
    await expectInvalidCursor(`/v1/categories?cursor=${encodeCursor([2 ** 31, ID])}`);
  });
});

describe('date inputs outside 1900..9999 (UTC) answer 400 validation, never 500', () => {
  it.each(['0000-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '1900-01-01T00:00:00+02:00', '9999-12-31T23:59:59-10:00'])(
    'POST /v1/admin/offers with startsAt %s',
    async (startsAt) => {
      const res = await t.http.post('/v1/admin/offers', buildOffer({ startsAt }), admin);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.code).toBe('common/validation-failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('startsAt');
    },
  );

  it('PATCH /v1/admin/offers/:id with a window in year 0000', async () => {
    const offer = await createOffer(t, admin);
    const window = { startsAt: '0000-01-01T00:00:00Z', endsAt: '0000-06-01T00:00:00Z' };
    const res = await t.http.patch(`/v1/admin/offers/${offer.id}`, window, admin);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe('common/validation-failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['startsAt', 'endsAt']);
  });

  it('POST stock/receive with expiresOn in year 0000', async () => {
    const res = await t.http.post(
      `/v1/admin/branches/${branchId}/stock/receive`,
      { productId, lotNumber: 'Y0000', expiresOn: '0000-01-01', quantity: 1 },
      admin,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe('common/validation-failed');
  });
});
