import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/kernel/auth/index.js';
import { BranchesService } from '../../src/modules/branches/index.js';
import { BranchesRepository } from '../../src/modules/branches/branches.repository.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { buildBranch, createBranch, type BranchBody } from '../factories/inventory.factory.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await bootTestApp();
  admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
});
afterAll(async () => {
  await t.close();
});

/** Great-circle distance on the sphere earthdistance uses (radius 6378168 m). */
function km(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2;
  return (2 * 6378.168 * Math.asin(Math.sqrt(h))) as number;
}

/** A point no other test uses, so the nearest branches are this test's own. */
function lonelyPoint() {
  return { lat: -60 + Math.random() * 20, lng: -170 + Math.random() * 40 };
}

type NearPage = { items: (BranchBody & { distanceKm: number })[]; nextCursor: string | null };

/** The ids nearest to `p` on `app` (first page of `limit`). */
async function nearestIds(app: TestApp, p: { lat: number; lng: number }, limit = 10): Promise<string[]> {
  const res = await app.http.get<NearPage>(`/v1/branches?lat=${p.lat}&lng=${p.lng}&limit=${limit}`);
  expect(res.status).toBe(200);
  return res.body.items.map((b) => b.id);
}

/** Pages nearest first from `p` until `count` branches are seen; every page as answered. */
async function walkNearest(app: TestApp, p: { lat: number; lng: number }, limit: number, count: number) {
  const pages: NearPage[] = [];
  let cursor: string | null = null;
  let seen = 0;
  do {
    const res: { status: number; body: NearPage } = await app.http.get(
      `/v1/branches?lat=${p.lat}&lng=${p.lng}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    pages.push(res.body);
    seen += res.body.items.length;
    cursor = res.body.nextCursor;
  } while (cursor && seen < count);
  return pages;
}

describe('branches: create, read, change', () => {
  it('creates a branch with a canonical time zone and reads it publicly', async () => {
    const input = buildBranch({ timeZone: 'africa/cairo' });
    const res = await t.http.post('/v1/admin/branches', input, admin);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...input,
      timeZone: 'Africa/Cairo',
      active: true,
      openNow: true,
    });
    const got = await t.http.get(`/v1/branches/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('answers openNow from the branch hours: closed when it has none', async () => {
    const branch = await createBranch(t, admin, { openingHours: [] });
    expect(branch.openNow).toBe(false);
    expect((await t.http.get(`/v1/branches/${branch.id}`)).body.openNow).toBe(false);
  });

  it('changes a branch; the next read (cached before) shows the change', async () => {
    const branch = await createBranch(t, admin);
    expect((await t.http.get(`/v1/branches/${branch.id}`)).body.nameEn).toBe(branch.nameEn);
    const res = await t.http.patch(`/v1/admin/branches/${branch.id}`, { nameEn: 'Zamalek', openingHours: [] }, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nameEn: 'Zamalek', openingHours: [], openNow: false });
    const got = await t.http.get(`/v1/branches/${branch.id}`);
    expect(got.body).toMatchObject({ nameEn: 'Zamalek', openNow: false });
  });

  it('hides a deactivated branch from public reads and lists', async () => {
    const p = lonelyPoint();
    const branch = await createBranch(t, admin, p);
    expect((await t.http.get(`/v1/branches/${branch.id}`)).status).toBe(200);
    expect((await t.http.patch(`/v1/admin/branches/${branch.id}`, { active: false }, admin)).body.active).toBe(false);
    const gone = await t.http.get(`/v1/branches/${branch.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('branches/not-found');
    const near = await t.http.get(`/v1/branches?lat=${p.lat}&lng=${p.lng}&limit=5`);
    expect(near.body.items.map((b: BranchBody) => b.id)).not.toContain(branch.id);
  });

  it('answers 404 for an unknown branch', async () => {
    const id = randomUUID();
    const get = await t.http.get(`/v1/branches/${id}`);
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('branches/not-found');
    const patch = await t.http.patch(`/v1/admin/branches/${id}`, { nameEn: 'x' }, admin);
    expect(patch.status).toBe(404);
    expect(patch.body.code).toBe('branches/not-found');
    expect((await t.http.get('/v1/branches/not-a-uuid')).status).toBe(400);
  });
});

describe('branches: validation', () => {
  it.each([
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['an offset instead of a zone', { timeZone: '+02:00' }, 'timeZone'],
    ['latitude out of range', { lat: 91 }, 'lat'],
    ['longitude out of range', { lng: -180.5 }, 'lng'],
    ['a negative radius', { deliveryRadiusKm: -1 }, 'deliveryRadiusKm'],
    ['a phone that is not E.164', { phone: '0223456789' }, 'phone'],
    ['a day out of 0-6', { openingHours: [{ day: 7, opens: '09:00', closes: '17:00' }] }, 'openingHours.0.day'],
    ['opening time 24:00', { openingHours: [{ day: 1, opens: '24:00', closes: '17:00' }] }, 'openingHours.0.opens'],
    [
      'a time that is not HH:mm',
      { openingHours: [{ day: 1, opens: '9:00', closes: '17:00' }] },
      'openingHours.0.opens',
    ],
    ['minutes past 59', { openingHours: [{ day: 1, opens: '09:00', closes: '17:60' }] }, 'openingHours.0.closes'],
    ['opens equal to closes', { openingHours: [{ day: 1, opens: '09:00', closes: '09:00' }] }, 'openingHours.0.closes'],
    ['an empty name', { nameAr: '  ' }, 'nameAr'],
  ])('refuses %s with 400 naming the field', async (_, overrides, field) => {
    const res = await t.http.post('/v1/admin/branches', buildBranch(overrides as never), admin);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('common/validation-failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses missing and unknown fields, and an empty change', async () => {
    const { lat: _lat, ...noLat } = buildBranch();
    const missing = await t.http.post('/v1/admin/branches', noLat, admin);
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toMatchObject({ field: 'lat', code: 'required' });
    const unknown = await t.http.post('/v1/admin/branches', { ...buildBranch(), owner: 'me' }, admin);
    expect(unknown.status).toBe(400);
    const branch = await createBranch(t, admin);
    expect((await t.http.patch(`/v1/admin/branches/${branch.id}`, {}, admin)).status).toBe(400);
  });

  it.each([
    ['lat without lng', 'lat=30'],
    ['an empty lat', 'lat=&lng=31'],
    ['a blank lng', 'lat=30&lng=%20'],
    ['latitude out of range', 'lat=95&lng=31'],
    ['not a number', 'lat=abc&lng=31'],
    ['a limit over 100', 'limit=101'],
    ['a forged cursor', 'cursor=bm90LWEtY3Vyc29y'],
    ['a forged near cursor', `lat=30&lng=31&cursor=${Buffer.from('[-1,"x",0]').toString('base64url')}`],
  ])('refuses a list query with %s', async (_, qs) => {
    const res = await t.http.get(`/v1/branches?${qs}`);
    expect(res.status).toBe(400);
  });
});

describe('branches: access', () => {
  it('lets only holders of branches:write create or change branches', async () => {
    const branch = await createBranch(t, admin);
    const customer = await registerUser(t);
    const manager = await createStaff(t, [{ role: 'branch_manager', branchId: branch.id }]);
    const catalog = await createStaff(t, [{ role: 'catalog_manager', branchId: null }]);
    for (const token of [customer.accessToken, manager.accessToken, catalog.accessToken]) {
      const create = await t.http.post('/v1/admin/branches', buildBranch(), token);
      expect(create.status).toBe(403);
      expect(create.body.code).toBe('auth/forbidden');
      expect((await t.http.patch(`/v1/admin/branches/${branch.id}`, { nameEn: 'x' }, token)).status).toBe(403);
    }
    expect((await t.http.post('/v1/admin/branches', buildBranch())).status).toBe(401);
    expect((await t.http.get(`/v1/branches/${branch.id}`)).body.nameEn).toBe(branch.nameEn);
  });
});

describe('branches: nearest first', () => {
  it('orders by distance with distanceKm, pages with a cursor, and lists without a point', async () => {
    const p = lonelyPoint();
    const offsets = [0.3, 0.05, 0.2, 0.1];
    const created = [];
    for (const d of offsets) created.push(await createBranch(t, admin, { lat: p.lat + d, lng: p.lng }));
    const first = await t.http.get(`/v1/branches?lat=${p.lat}&lng=${p.lng}&limit=3`);
    expect(first.status).toBe(200);
    const expected = [...created].sort((a, b) => a.lat - b.lat).map((b) => b.id);
    expect(first.body.items.map((b: BranchBody) => b.id)).toEqual(expected.slice(0, 3));
    for (const item of first.body.items) {
      expect(item.distanceKm).toBeCloseTo(km(p, item), 1);
      expect(typeof item.openNow).toBe('boolean');
    }
    expect(first.body.items[0].distanceKm).toBeCloseTo(0.05 * 111.3, 0);
    const second = await t.http.get(`/v1/branches?lat=${p.lat}&lng=${p.lng}&limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBe(expected[3]);

    const plain = await t.http.get('/v1/branches?limit=2');
    expect(plain.status).toBe(200);
    expect(plain.body.items).toHaveLength(2);
    expect(plain.body.items[0].distanceKm).toBeNull();
    const next = await t.http.get(`/v1/branches?limit=2&cursor=${plain.body.nextCursor}`);
    expect(next.body.items[0].id > plain.body.items[1].id).toBe(true);
  });

  it('pages through branches at the same distance without skipping or repeating one', async () => {
    const p = lonelyPoint();
    const ids: string[] = [];
    // Five branches in one building, two farther out: ties straddle every page boundary below.
    for (let i = 0; i < 5; i++) ids.push((await createBranch(t, admin, { lat: p.lat + 0.01, lng: p.lng })).id);
    const far = [
      (await createBranch(t, admin, { lat: p.lat + 0.02, lng: p.lng })).id,
      (await createBranch(t, admin, { lat: p.lat + 0.03, lng: p.lng })).id,
    ];
    const expected = [...ids.sort(), ...far];
    for (const limit of [1, 2, 3, 4]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { items: BranchBody[]; nextCursor: string | null } } = await t.http.get(
          `/v1/branches?lat=${p.lat}&lng=${p.lng}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((b) => b.id));
        cursor = res.body.nextCursor;
      } while (cursor && seen.length < expected.length);
      expect(seen.slice(0, expected.length), `limit ${limit}`).toEqual(expected);
    }
  });
});

describe('branches: nearest from memory and from SQL', () => {
  let bySql: TestApp;
  beforeAll(async () => {
    // Same database, its own cache; 0 keeps every nearest list on the GiST KNN query.
    bySql = await bootTestApp({ BRANCHES_IN_MEMORY_MAX: '0' });
  });
  afterAll(async () => {
    await bySql?.close();
  });

  it('answer the same order, distances, flags and pages for the same data', async () => {
    const p = lonelyPoint();
    const spots = [
      { lat: p.lat, lng: p.lng },
      { lat: p.lat + 0.01, lng: p.lng },
      { lat: p.lat + 0.01, lng: p.lng },
      { lat: p.lat + 0.01, lng: p.lng },
      { lat: p.lat - 0.01, lng: p.lng + 0.003 },
      { lat: p.lat + 0.05, lng: p.lng - 0.07 },
      { lat: p.lat + 0.2, lng: p.lng + 0.2 },
      { lat: p.lat + 0.2, lng: p.lng + 0.2 },
    ];
    for (const spot of spots) await createBranch(t, admin, { ...spot, openingHours: [] });
    await createBranch(t, admin, { lat: p.lat + 0.03, lng: p.lng }); // open all week: openNow differs
    const sqlNearest = vi.spyOn(bySql.app.get(BranchesRepository), 'nearest');
    const memNearest = vi.spyOn(t.app.get(BranchesRepository), 'nearest');
    for (const limit of [1, 2, 3, 4, 100]) {
      const mem = await walkNearest(t, p, limit, spots.length + 1);
      const sql = await walkNearest(bySql, p, limit, spots.length + 1);
      expect(
        mem.map((page) => page.items.map((b) => b.id)),
        `limit ${limit}`,
      ).toEqual(sql.map((page) => page.items.map((b) => b.id)));
      expect(mem.map((page) => page.nextCursor === null)).toEqual(sql.map((page) => page.nextCursor === null));
      const memItems = mem.flatMap((page) => page.items);
      const sqlItems = sql.flatMap((page) => page.items);
      memItems.forEach((item, i) => {
        const { distanceKm, ...rest } = item;
        const { distanceKm: sqlKm, ...sqlRest } = sqlItems[i];
        expect(rest).toEqual(sqlRest);
        expect(distanceKm).toBeCloseTo(sqlKm, 6);
        expect(distanceKm).toBeCloseTo(km(p, item), 3);
      });
    }
    expect(sqlNearest).toHaveBeenCalled();
    expect(memNearest).not.toHaveBeenCalled();
  });

  it('both refuse a malformed cursor with problem+json', async () => {
    const forged = Buffer.from('[-1,"x",0]').toString('base64url');
    for (const app of [t, bySql]) {
      for (const cursor of [forged, 'bm90LWEtY3Vyc29y', Buffer.from('[1,"x"]').toString('base64url')]) {
        const res = await app.http.get(`/v1/branches?lat=30&lng=31&cursor=${cursor}`);
        expect(res.status).toBe(400);
        expect(String(res.headers['content-type'])).toContain('application/problem+json');
        expect(res.body.code).toBe('common/invalid-cursor');
      }
    }
  });

  it('the distance of a branch is the one availability reports', async () => {
    const p = lonelyPoint();
    const branch = await createBranch(t, admin, { lat: p.lat + 0.123, lng: p.lng - 0.045 });
    const [item] = (await t.http.get<NearPage>(`/v1/branches?lat=${p.lat}&lng=${p.lng}&limit=1`)).body.items;
    expect(item.id).toBe(branch.id);
    const db = (await t.database.db.execute(
      sql`select earth_distance(ll_to_earth(lat, lng), ll_to_earth(${p.lat}::float8, ${p.lng}::float8)) / 1000.0 as km
          from branches where id = ${branch.id}`,
    )) as unknown as { rows: { km: number | string }[] };
    expect(item.distanceKm).toBeCloseTo(Number(db.rows[0].km), 9);
  });
});

describe('branches: the nearest list follows every change at once', () => {
  it('shows a created branch, a move, a deactivation and a reactivation on the next read', async () => {
    const p = lonelyPoint();
    const far = await createBranch(t, admin, { lat: p.lat + 0.1, lng: p.lng });
    expect(await nearestIds(t, p, 1)).toEqual([far.id]);
    const near = await createBranch(t, admin, { lat: p.lat + 0.01, lng: p.lng });
    expect((await nearestIds(t, p, 2)).slice(0, 2)).toEqual([near.id, far.id]);
    await t.http.patch(`/v1/admin/branches/${near.id}`, { lat: p.lat + 0.2 }, admin);
    expect((await nearestIds(t, p, 2)).slice(0, 2)).toEqual([far.id, near.id]);
    await t.http.patch(`/v1/admin/branches/${far.id}`, { active: false }, admin);
    expect(await nearestIds(t, p, 20)).not.toContain(far.id);
    expect((await nearestIds(t, p, 1))[0]).toBe(near.id);
    await t.http.patch(`/v1/admin/branches/${far.id}`, { active: true, nameEn: 'Back again' }, admin);
    const back = await t.http.get<NearPage>(`/v1/branches?lat=${p.lat}&lng=${p.lng}&limit=1`);
    expect(back.body.items[0]).toMatchObject({ id: far.id, nameEn: 'Back again' });
  });

  it('activeRecords() is the active set and follows changes', async () => {
    const service = t.app.get(BranchesService);
    const branch = await createBranch(t, admin);
    const active = (await service.activeRecords())!;
    expect(active.find((b) => b.id === branch.id)).toMatchObject({ id: branch.id, nameEn: branch.nameEn });
    expect(active.every((b) => b.active)).toBe(true);
    expect(await service.activeRecords()).toBe(active);
    await service.update(SYSTEM_ACTOR, branch.id, { active: false });
    expect((await service.activeRecords())!.some((b) => b.id === branch.id)).toBe(false);
  });
});

describe('branches: cache across nodes', () => {
  it('a change on one node reaches a node that cached the branch', async () => {
    const shared = { REDIS_KEY_PREFIX: `br-${Date.now()}:` };
    const a = await bootTestApp(shared);
    const b = await bootTestApp(shared);
    try {
      const token = (await createStaff(a, [{ role: 'admin', branchId: null }])).accessToken;
      const branch = await createBranch(a, token);
      expect((await b.http.get(`/v1/branches/${branch.id}`)).body.nameEn).toBe(branch.nameEn);
      expect((await a.http.patch(`/v1/admin/branches/${branch.id}`, { nameEn: 'Heliopolis' }, token)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100)); // pub/sub delivery
      expect((await b.http.get(`/v1/branches/${branch.id}`)).body.nameEn).toBe('Heliopolis');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a branch created, changed or deactivated on one node shows in the nearest list of another', async () => {
    // An L1 that outlives the test: only the invalidation can bring node B the change.
    const shared = { REDIS_KEY_PREFIX: `brn-${Date.now()}:`, CACHE_L1_TTL_SECONDS: '600' };
    const a = await bootTestApp(shared);
    const b = await bootTestApp(shared);
    const delivery = () => new Promise((r) => setTimeout(r, 100)); // pub/sub
    try {
      const token = (await createStaff(a, [{ role: 'admin', branchId: null }])).accessToken;
      const p = lonelyPoint();
      const first = await createBranch(a, token, { lat: p.lat + 0.02, lng: p.lng });
      expect((await nearestIds(b, p, 1))[0]).toBe(first.id); // node B now holds the active set
      const second = await createBranch(a, token, { lat: p.lat + 0.01, lng: p.lng });
      await delivery();
      expect((await nearestIds(b, p, 2)).slice(0, 2)).toEqual([second.id, first.id]);
      await a.http.patch(`/v1/admin/branches/${first.id}`, { nameEn: 'Garden City' }, token);
      await delivery();
      const list = await b.http.get<NearPage>(`/v1/branches?lat=${p.lat}&lng=${p.lng}&limit=2`);
      expect(list.body.items[1]).toMatchObject({ id: first.id, nameEn: 'Garden City' });
      await a.http.patch(`/v1/admin/branches/${second.id}`, { active: false }, token);
      await delivery();
      expect(await nearestIds(b, p, 20)).not.toContain(second.id);
      expect((await b.app.get(BranchesService).activeRecords())!.some((r) => r.id === second.id)).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('serves branches from the database when Redis is unreachable', async () => {
    const down = await bootTestApp({ REDIS_URL: 'redis://127.0.0.1:1/0' });
    try {
      const token = (await createStaff(down, [{ role: 'admin', branchId: null }])).accessToken;
      const branch = await createBranch(down, token);
      expect((await down.http.get(`/v1/branches/${branch.id}`)).status).toBe(200);
      await down.http.patch(`/v1/admin/branches/${branch.id}`, { nameEn: 'Maadi' }, token);
      expect((await down.http.get(`/v1/branches/${branch.id}`)).body.nameEn).toBe('Maadi');
      const p = { lat: branch.lat, lng: branch.lng };
      const near = await down.http.get<NearPage>(`/v1/branches?lat=${p.lat}&lng=${p.lng}&limit=100`);
      expect(near.status).toBe(200);
      expect(near.body.items.find((b) => b.id === branch.id)).toMatchObject({ nameEn: 'Maadi', distanceKm: 0 });
      await down.http.patch(`/v1/admin/branches/${branch.id}`, { active: false }, token);
      expect(await nearestIds(down, p, 100)).not.toContain(branch.id);
    } finally {
      await down.close();
    }
  });
});
