import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type MedyourClient } from '../../clients/typescript/src/index.js';
import { buildCategory, buildProduct } from '../factories/catalog.factory.js';
import { uniqueCoupon } from '../factories/offers.factory.js';
import { PASSWORD } from '../factories/user.factory.js';
import { all, bootGolden, refusal, type Golden } from './support/golden.js';

/** Golden flow: a catalog manager runs offers through @medyour/client; customers see the running ones. */
let g: Golden;
let manager: MedyourClient;
let customer: MedyourClient;
let productId: string;
const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const tag = uniqueCoupon('Gold');

beforeAll(async () => {
  g = await bootGolden();
  manager = (await g.staffClient([{ role: 'catalog_manager', branchId: null }])).client;
  customer = g.newClient();
  await customer.POST('/v1/auth/register', {
    body: { name: 'Offer Shopper', email: `${tag.toLowerCase()}@example.com`, password: PASSWORD },
  });
  const category = ok(await manager.POST('/v1/admin/categories', { body: buildCategory() }));
  productId = ok(await manager.POST('/v1/admin/products', { body: buildProduct(category.id) })).id;
});
afterAll(async () => {
  await g.close();
});

const offer = (nameEn: string, terms: Partial<{ endsAt: string; startsAt: string; couponCode: string }> = {}) =>
  manager.POST('/v1/admin/offers', {
    body: {
      nameEn: `${tag} ${nameEn}`,
      nameAr: 'عرض',
      kind: 'percentage',
      value: 15,
      scope: 'product',
      productId,
      startsAt: at(-1),
      endsAt: at(24),
      ...terms,
    },
  });

describe('golden flow: offers through @medyour/client', () => {
  it('creates automatic, coupon and scheduled offers; customers see the running automatic ones', async () => {
    const soon = ok(await offer('soon', { endsAt: at(2) })).offer;
    const later = ok(await offer('later', { endsAt: at(72) })).offer;
    const coupon = ok(await offer('coupon', { couponCode: tag.toLowerCase() })).offer;
    const scheduled = ok(await offer('scheduled', { startsAt: at(5), endsAt: at(10) })).offer;
    expect(soon).toMatchObject({ status: 'active', usedCount: 0, couponCode: null, appliesToRestricted: false });
    expect(coupon.couponCode).toBe(tag.toUpperCase());
    expect(scheduled.status).toBe('scheduled');

    const running = await all(customer.paginate('/v1/offers', { query: { productId, limit: 1 } }));
    expect(running.map((o) => o.id)).toEqual([soon.id, later.id]);
    expect(Object.keys(running[0])).not.toContain('couponCode');

    const staffView = await all(manager.paginate('/v1/admin/offers', { query: { q: tag, limit: 2 } }));
    expect(staffView.map((o) => o.id)).toEqual([scheduled.id, coupon.id, later.id, soon.id]);
    const byCode = ok(await manager.GET('/v1/admin/offers', { params: { query: { couponCode: tag } } }));
    expect(byCode.items.map((o) => o.id)).toEqual([coupon.id]);
    const byStatus = ok(await manager.GET('/v1/admin/offers', { params: { query: { q: tag, status: 'scheduled' } } }));
    expect(byStatus.items.map((o) => o.id)).toEqual([scheduled.id]);

    const taken = await refusal(offer('again', { couponCode: ` ${tag} ` }));
    expect(taken).toMatchObject({ status: 409, code: 'offers/coupon-taken' });
  });

  it('changes an offer: switched off it leaves the public list; the usage count is kept', async () => {
    const created = ok(await offer('switch')).offer;
    const changed = ok(
      await manager.PATCH('/v1/admin/offers/{id}', {
        params: { path: { id: created.id } },
        body: { kind: 'fixed', value: 500, globalLimit: 10, perCustomerLimit: 1 },
      }),
    ).offer;
    expect(changed).toMatchObject({ kind: 'fixed', value: 500, globalLimit: 10, perCustomerLimit: 1, usedCount: 0 });
    const off = ok(
      await manager.PATCH('/v1/admin/offers/{id}', { params: { path: { id: created.id } }, body: { active: false } }),
    ).offer;
    expect(off).toMatchObject({ active: false, status: 'inactive' });
    const read = ok(await manager.GET('/v1/admin/offers/{id}', { params: { path: { id: created.id } } })).offer;
    expect(read).toEqual(off);
    const running = await all(customer.paginate('/v1/offers', { query: { productId } }));
    expect(running.map((o) => o.id)).not.toContain(created.id);

    const notPercent = await refusal(
      manager.PATCH('/v1/admin/offers/{id}', { params: { path: { id: created.id } }, body: { kind: 'percentage' } }),
    );
    expect(notPercent).toMatchObject({ status: 400, code: 'common/validation-failed' });
    expect(notPercent.errors.map((e) => e.field)).toEqual(['value']);
  });

  it('refuses unknown targets and offers, and customers on staff routes', async () => {
    const unknown = await refusal(
      manager.POST('/v1/admin/offers', {
        body: {
          nameEn: `${tag} nowhere`,
          nameAr: 'عرض',
          kind: 'fixed',
          value: 100,
          scope: 'category',
          categoryId: randomUUID(),
          startsAt: at(-1),
          endsAt: at(1),
        },
      }),
    );
    expect(unknown).toMatchObject({ status: 400, code: 'offers/unknown-category' });
    expect(unknown.errors.map((e) => e.field)).toEqual(['categoryId']);
    const missing = await refusal(manager.GET('/v1/admin/offers/{id}', { params: { path: { id: randomUUID() } } }));
    expect(missing).toMatchObject({ status: 404, code: 'offers/not-found' });
    const denied = await refusal(customer.GET('/v1/admin/offers'));
    expect(denied).toMatchObject({ status: 403, code: 'auth/forbidden' });
  });
});
