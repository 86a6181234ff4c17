import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff, insertCustomers, registerUser } from '../factories/user.factory.js';
import { buildOffer, createOffer, insertCategory, insertProduct, uniqueCoupon } from '../factories/offers.factory.js';

const HOUR = 3_600_000;
const MISSING = '0190a0c8-0000-7000-8000-00000000dead';

let t: TestApp;
let admin: string;
let catalogManager: string;
beforeAll(async () => {
  t = await bootTestApp();
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
  catalogManager = (await createStaff(t, [{ role: 'catalog_manager', branchId: null }])).accessToken;
});
afterAll(async () => {
  await t.close();
});

describe('offers: access', () => {
  it('lets admins and catalog managers manage offers; 401 anonymous, 403 for every other role', async () => {
    const offer = await createOffer(t, catalogManager);
    const customer = await registerUser(t);
    const pharmacist = await createStaff(t, [{ role: 'pharmacist', branchId: null }]);
    const manager = await createStaff(t, [{ role: 'branch_manager', branchId: null }]);
    const calls: [method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown][] = [
      ['POST', '/v1/admin/offers', buildOffer()],
      ['PATCH', `/v1/admin/offers/${offer.id}`, { value: 20 }],
      ['GET', '/v1/admin/offers'],
      ['GET', `/v1/admin/offers/${offer.id}`],
    ];
    for (const [method, url, body] of calls) {
      expect((await t.http.request(method, url, { body })).status, url).toBe(401);
      for (const who of [customer.accessToken, pharmacist.accessToken, manager.accessToken]) {
        const res = await t.http.request(method, url, { body, token: who });
        expect(res.status, `${method} ${url}`).toBe(403);
        expect(res.body.code).toBe('auth/forbidden');
      }
    }
    expect((await t.http.get(`/v1/admin/offers/${offer.id}`, admin)).status).toBe(200);
    // The denied attempts changed nothing.
    expect((await t.http.get(`/v1/admin/offers/${offer.id}`, admin)).body.offer.value).toBe(10);
    // The public list needs no token.
    expect((await t.http.get('/v1/offers')).status).toBe(200);
  });
});

describe('offers: create', () => {
  it('creates cart, product and category offers and audits who did it', async () => {
    const category = await insertCategory(t);
    const product = await insertProduct(t, { categoryId: category.id });
    const cart = await t.http.post(
      '/v1/admin/offers',
      buildOffer({ kind: 'fixed', value: 2500, minCartMinor: 20000, globalLimit: 100, perCustomerLimit: 1 }),
      admin,
    );
    expect(cart.status).toBe(201);
    expect(cart.body.offer).toMatchObject({
      kind: 'fixed',
      value: 2500,
      scope: 'cart',
      productId: null,
      categoryId: null,
      minCartMinor: 20000,
      globalLimit: 100,
      perCustomerLimit: 1,
      usedCount: 0,
      couponCode: null,
      appliesToRestricted: false,
      active: true,
      status: 'active',
    });
    const byProduct = await createOffer(t, admin, { scope: 'product', productId: product.id, value: 15 });
    expect(byProduct).toMatchObject({ scope: 'product', productId: product.id, categoryId: null });
    const byCategory = await createOffer(t, admin, { scope: 'category', categoryId: category.id });
    expect(byCategory).toMatchObject({ scope: 'category', categoryId: category.id });
    const audit = (await t.database.db.execute(
      sql`select action from audit_log where subject_id = ${cart.body.offer.id}`,
    )) as unknown as { rows: { action: string }[] };
    expect(audit.rows).toEqual([{ action: 'offers.created' }]);
  });

  it('answers 400 with field codes for inconsistent terms', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ value: 150 }, 'value'],
      [{ value: 0 }, 'value'],
      [{ value: 12.5 }, 'value'],
      [{ kind: 'bogo' }, 'kind'],
      [{ scope: 'product' }, 'productId'],
      [{ scope: 'category' }, 'categoryId'],
      [{ scope: 'cart', productId: MISSING }, 'productId'],
      [{ endsAt: new Date(Date.now() - 2 * HOUR).toISOString() }, 'endsAt'],
      [{ startsAt: 'tomorrow' }, 'startsAt'],
      [{ couponCode: 'no spaces!' }, 'couponCode'],
      [{ minCartMinor: -1 }, 'minCartMinor'],
      [{ globalLimit: 0 }, 'globalLimit'],
      [{ usedCount: 5 }, 'usedCount'],
      [{ nameEn: '' }, 'nameEn'],
    ];
    for (const [overrides, field] of cases) {
      const res = await t.http.post('/v1/admin/offers', buildOffer(overrides), admin);
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(res.body.code).toBe('common/validation-failed');
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(overrides),
      ).toContain(field);
    }
  });

  it('answers 400 naming the field when the product or category does not exist', async () => {
    const p = await t.http.post('/v1/admin/offers', buildOffer({ scope: 'product', productId: MISSING }), admin);
    expect(p.status).toBe(400);
    expect(p.body).toMatchObject({ code: 'offers/unknown-product', errors: [{ field: 'productId' }] });
    const c = await t.http.post('/v1/admin/offers', buildOffer({ scope: 'category', categoryId: MISSING }), admin);
    expect(c.status).toBe(400);
    expect(c.body).toMatchObject({ code: 'offers/unknown-category', errors: [{ field: 'categoryId' }] });
    const ar = await t.http.request('POST', '/v1/admin/offers', {
      body: buildOffer({ scope: 'product', productId: MISSING }),
      token: admin,
      headers: { 'accept-language': 'ar' },
    });
    expect(ar.body.detail).toBe('المنتج غير موجود');
  });

  it('keeps coupon codes unique whatever their case (409), and stores them in upper case', async () => {
    const code = uniqueCoupon('Eid');
    const first = await createOffer(t, admin, { couponCode: code.toLowerCase() });
    expect(first.couponCode).toBe(code.toUpperCase());
    const again = await t.http.post('/v1/admin/offers', buildOffer({ couponCode: ` ${code.toUpperCase()} ` }), admin);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('offers/coupon-taken');
    const other = await createOffer(t, admin, { couponCode: uniqueCoupon() });
    const clash = await t.http.patch(`/v1/admin/offers/${other.id}`, { couponCode: code }, admin);
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('offers/coupon-taken');
  });
});

describe('offers: change', () => {
  it('changes terms, drops the old target when the scope changes, and keeps the usage count', async () => {
    const product = await insertProduct(t);
    const offer = await createOffer(t, admin, { scope: 'product', productId: product.id });
    const res = await t.http.patch(
      `/v1/admin/offers/${offer.id}`,
      { scope: 'cart', kind: 'fixed', value: 999, globalLimit: 50, couponCode: uniqueCoupon() },
      catalogManager,
    );
    expect(res.status).toBe(200);
    expect(res.body.offer).toMatchObject({
      scope: 'cart',
      productId: null,
      kind: 'fixed',
      value: 999,
      globalLimit: 50,
    });
    const cleared = await t.http.patch(`/v1/admin/offers/${offer.id}`, { couponCode: null, globalLimit: null }, admin);
    expect(cleared.body.offer).toMatchObject({ couponCode: null, globalLimit: null });
    const off = await t.http.patch(`/v1/admin/offers/${offer.id}`, { active: false }, admin);
    expect(off.body.offer).toMatchObject({ active: false, status: 'inactive' });
  });

  it('answers 404 for an unknown offer and 400 for an empty or inconsistent change', async () => {
    const missing = await t.http.patch(`/v1/admin/offers/${MISSING}`, { value: 5 }, admin);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('offers/not-found');
    expect((await t.http.get(`/v1/admin/offers/${MISSING}`, admin)).status).toBe(404);
    expect((await t.http.patch('/v1/admin/offers/not-a-uuid', { value: 5 }, admin)).status).toBe(400);
    const offer = await createOffer(t, admin, { kind: 'fixed', value: 5000 });
    expect((await t.http.patch(`/v1/admin/offers/${offer.id}`, {}, admin)).status).toBe(400);
    // A percentage of 5000 is not a percentage: the merged terms are checked, not only the fields sent.
    const merged = await t.http.patch(`/v1/admin/offers/${offer.id}`, { kind: 'percentage' }, admin);
    expect(merged.status).toBe(400);
    expect(merged.body.errors).toEqual([expect.objectContaining({ field: 'value' })]);
    const window = await t.http.patch(
      `/v1/admin/offers/${offer.id}`,
      { endsAt: new Date(Date.now() - 2 * HOUR).toISOString() },
      admin,
    );
    expect(window.status).toBe(400);
    expect((await t.http.patch(`/v1/admin/offers/${offer.id}`, { scope: 'product' }, admin)).status).toBe(400);
    const unknown = await t.http.patch(`/v1/admin/offers/${offer.id}`, { scope: 'product', productId: MISSING }, admin);
    expect(unknown.body.code).toBe('offers/unknown-product');
  });

  it('refuses a global limit below the uses already counted (409)', async () => {
    const offer = await createOffer(t, admin, { globalLimit: 10 });
    // Redemptions name real customers (foreign key, migration 0009).
    const [c1, c2] = await insertCustomers(t, 2);
    await t.database.db.execute(
      sql`insert into offer_redemptions (id, offer_id, customer_id, reference) values
          (gen_random_uuid(), ${offer.id}, ${c1}, 'r1'), (gen_random_uuid(), ${offer.id}, ${c2}, 'r2')`,
    );
    await t.database.db.execute(sql`update offers set used_count = 2 where id = ${offer.id}`);
    const res = await t.http.patch(`/v1/admin/offers/${offer.id}`, { globalLimit: 1 }, admin);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('offers/limit-below-usage');
    expect((await t.http.patch(`/v1/admin/offers/${offer.id}`, { globalLimit: 2 }, admin)).status).toBe(200);
  });
});

describe('offers: lists', () => {
  it('lists for staff newest first with status, name and coupon filters and a keyset cursor', async () => {
    const tag = uniqueCoupon('Tag');
    const scheduled = await createOffer(t, admin, {
      nameEn: `${tag} later`,
      startsAt: new Date(Date.now() + 24 * HOUR).toISOString(),
      endsAt: new Date(Date.now() + 48 * HOUR).toISOString(),
    });
    const running = await createOffer(t, admin, { nameEn: `${tag} now`, couponCode: tag });
    const page1 = await t.http.get(`/v1/admin/offers?q=${tag}&limit=1`, admin);
    expect(page1.body.items.map((o: { id: string }) => o.id)).toEqual([running.id]);
    const page2 = await t.http.get(`/v1/admin/offers?q=${tag}&limit=1&cursor=${page1.body.nextCursor}`, admin);
    expect(page2.body.items.map((o: { id: string }) => o.id)).toEqual([scheduled.id]);
    expect(page2.body.items[0].status).toBe('scheduled');
    expect(page2.body.nextCursor).toBeNull();
    const byStatus = await t.http.get(`/v1/admin/offers?q=${tag}&status=scheduled`, admin);
    expect(byStatus.body.items.map((o: { id: string }) => o.id)).toEqual([scheduled.id]);
    const byCode = await t.http.get(`/v1/admin/offers?couponCode=${tag.toLowerCase()}`, admin);
    expect(byCode.body.items.map((o: { id: string }) => o.id)).toEqual([running.id]);
    expect((await t.http.get('/v1/admin/offers?cursor=garbage', admin)).body.code).toBe('common/invalid-cursor');
    expect((await t.http.get('/v1/admin/offers?status=forever', admin)).status).toBe(400);
    expect((await t.http.get('/v1/admin/offers?limit=1000', admin)).status).toBe(400);
  });

  it('lists publicly only running automatic offers, ending soonest first, without codes or usage', async () => {
    const product = await insertProduct(t);
    const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
    const target = { scope: 'product', productId: product.id };
    const late = await createOffer(t, admin, { ...target, endsAt: at(72) });
    const soon = await createOffer(t, admin, { ...target, endsAt: at(2) });
    await createOffer(t, admin, { ...target, couponCode: uniqueCoupon() });
    await createOffer(t, admin, { ...target, startsAt: at(5), endsAt: at(10) });
    const switchedOff = await createOffer(t, admin, { ...target, endsAt: at(1) });
    await t.http.patch(`/v1/admin/offers/${switchedOff.id}`, { active: false }, admin);
    const ended = await createOffer(t, admin, { ...target, endsAt: at(1) });
    await t.database.db.execute(
      sql`update offers set starts_at = now() - interval '2 days', ends_at = now() - interval '1 day' where id = ${ended.id}`,
    );

    const first = await t.http.get(`/v1/offers?productId=${product.id}&limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((o: { id: string }) => o.id)).toEqual([soon.id]);
    expect(Object.keys(first.body.items[0])).not.toContain('couponCode');
    expect(Object.keys(first.body.items[0])).not.toContain('usedCount');
    const second = await t.http.get(`/v1/offers?productId=${product.id}&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((o: { id: string }) => o.id)).toEqual([late.id]);
    expect(second.body.nextCursor).toBeNull();
    expect((await t.http.get(`/v1/offers?productId=${product.id}&scope=cart`)).body.items).toEqual([]);
    expect((await t.http.get('/v1/offers?productId=nope')).status).toBe(400);
    const all = await t.http.get('/v1/offers?limit=100');
    expect(all.body.items.every((o: { couponCode?: string }) => o.couponCode === undefined)).toBe(true);
  });
});
