import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, EMBEDDED, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { privateDatabase } from '../support/private-db.js';
import { seedDemo } from '../../src/db/seed/demo.seed.js';
import { DEMO_WALLET_MINOR } from '../../src/db/seed/commerce.seed.js';
import { DEMO_DOCTOR_EMAILS, DEMO_SPECIALTY } from '../../src/db/seed/providers.seed.js';
import { SENT_MESSAGES, type SentMessages } from '../../src/kernel/messaging/index.js';
import { DEMO_BRANCH, DEMO_OFFER, DEMO_PRODUCTS } from '../../src/db/seed/demo-catalog.data.js';
import { ingredientsKeyOf, isValidGtin, searchTextOf } from '../../src/modules/catalog/index.js';

let t: TestApp;
let db: Awaited<ReturnType<typeof privateDatabase>>;
beforeAll(async () => {
  db = await privateDatabase('seed');
  // Boots like `npm start` on an empty database: the demo is seeded at boot.
  t = await bootTestApp({ DATABASE_URL: db.url, SEED_DEMO: 'true' });
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

async function rows<T>(q: SQL): Promise<T[]> {
  return ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;
}
const counts = () =>
  rows<Record<string, number>>(sql`select
    (select count(*)::int from categories) as categories, (select count(*)::int from products) as products,
    (select count(*)::int from branches) as branches, (select count(*)::int from stock_lots) as lots,
    (select count(*)::int from stock_movements where type = 'received') as movements,
    (select count(*)::int from offers) as offers, (select count(*)::int from users) as users,
    (select count(*)::int from orders) as orders, (select count(*)::int from journal_entries) as entries,
    (select count(*)::int from specialties) as specialties, (select count(*)::int from doctor_profiles) as doctors,
    (select count(*)::int from doctor_specialties) as doctorSpecialties,
    (select count(*)::int from doctor_availability) as availability,
    (select count(*)::int from appointments) as appointments, (select count(*)::int from prescriptions) as prescriptions`);

describe('demo seed', () => {
  it('seeds categories, ~30 products, 3 branches, spread lots (one expired) and an offer, consistently', async () => {
    const [c] = await counts();
    expect(c).toMatchObject({
      categories: 10,
      products: DEMO_PRODUCTS.length,
      branches: 3,
      offers: 1,
      users: 6,
      orders: 1,
    });
    expect(c.products).toBeGreaterThanOrEqual(30);
    expect(c.lots).toBeGreaterThan(50);
    expect(c.movements).toBe(c.lots);
    const products = await rows<{
      name_en: string;
      name_ar: string;
      ingredients: { name: string; strength: string }[];
      manufacturer: string;
      search_text: string;
      ingredients_key: string;
      barcode: string;
      rx_required: boolean;
      controlled: boolean;
    }>(sql`select * from products`);
    for (const p of products) {
      const input = { nameEn: p.name_en, nameAr: p.name_ar, ingredients: p.ingredients, manufacturer: p.manufacturer };
      expect(p.search_text).toBe(searchTextOf(input));
      expect(p.ingredients_key).toBe(ingredientsKeyOf(p.ingredients));
      expect(isValidGtin(p.barcode), p.barcode).toBe(true);
    }
    expect(products.filter((p) => p.rx_required).length).toBeGreaterThanOrEqual(10);
    expect(products.filter((p) => p.controlled).map((p) => p.name_en)).toEqual(['Xanax 0.5 mg']);
    // Generic substitutes share their ingredients key.
    const [subs] = await rows<{ n: number }>(
      sql`select count(*)::int as n from (select ingredients_key, form from products group by 1, 2 having count(*) > 1) s`,
    );
    expect(subs.n).toBeGreaterThanOrEqual(4);
    const expiry = await rows<{ expired: number; soon: number; late: number }>(sql`select
      count(*) filter (where expires_on < current_date)::int as expired,
      count(*) filter (where expires_on between current_date and current_date + 180)::int as soon,
      count(*) filter (where expires_on > current_date + 365)::int as late from stock_lots`);
    expect(expiry[0].expired).toBe(1);
    expect(expiry[0].soon).toBeGreaterThan(0);
    expect(expiry[0].late).toBeGreaterThan(0);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('lists the demo offer publicly and scopes the demo pharmacist to the demo branches', async () => {
    const offers = await t.http.get('/v1/offers');
    expect(offers.body.items.map((o: { id: string }) => o.id)).toContain(DEMO_OFFER.id);
    const login = await t.http.post('/v1/auth/login', {
      identifier: 'pharmacist@medyour.local',
      password: 'Nile-Dispense-2026!',
    });
    expect(login.status).toBe(200);
    expect(login.body.user.roleAssignments).toEqual(
      expect.arrayContaining(Object.values(DEMO_BRANCH).map((branchId) => ({ role: 'pharmacist', branchId }))),
    );
    expect(login.body.user.roleAssignments).toHaveLength(3);
  });

  it('serves the demo through the catalogue, search and availability routes', async () => {
    const panadol = DEMO_PRODUCTS[0];
    const product = await t.http.get(`/v1/products/${panadol.id}`);
    expect(product.status).toBe(200);
    expect(product.body).toMatchObject({ nameEn: 'Panadol 500 mg', rxRequired: false });
    const found = await t.http.get(`/v1/products?q=${encodeURIComponent('بنادول')}`);
    expect(found.body.items.map((p: { id: string }) => p.id)).toContain(panadol.id);
    // Panadol's only lot at Giza is expired: Giza does not list it, Cairo (24 h) does.
    const near = await t.http.get(`/v1/products/${panadol.id}/availability?lat=30.0385&lng=31.2118`);
    expect(near.status).toBe(200);
    const at = near.body.items.map((i: { branchId: string }) => i.branchId);
    expect(at).toContain(DEMO_BRANCH.cairo);
    expect(at).not.toContain(DEMO_BRANCH.giza);
  });

  it('seeds accounts with verified contacts, so a password reset reaches the demo customer', async () => {
    const unverified = await rows<{ email: string }>(
      sql`select email from users where email_verified_at is null or (phone is not null and phone_verified_at is null)`,
    );
    expect(unverified).toEqual([]);
    const sent = t.app.get<SentMessages>(SENT_MESSAGES as never);
    const before = sent.sms.length;
    expect((await t.http.post('/v1/auth/password/forgot', { identifier: '+201000000001' })).status).toBe(202);
    expect(sent.sms.slice(before).map((m) => m.to)).toEqual(['+201000000001']);
  });

  it('gives the demo customer a wallet balance and one completed order to look at', async () => {
    const login = await t.http.post('/v1/auth/login', {
      identifier: 'customer@medyour.local',
      password: 'Nile-Health-2026!',
    });
    const token = login.body.accessToken as string;
    const orders = await t.http.get('/v1/orders', token);
    expect(orders.body.items).toHaveLength(1);
    const order = orders.body.items[0];
    expect(order).toMatchObject({ status: 'completed', paymentMethod: 'wallet', branchId: DEMO_BRANCH.cairo });
    expect(order.lines).toHaveLength(2);
    // The wallet paid the order, then the past consultation's fee (care.seed.ts).
    const [appointment] = (await t.http.get('/v1/appointments', token)).body.items;
    const wallet = await t.http.get('/v1/wallet', token);
    expect(wallet.body.balanceMinor).toBe(DEMO_WALLET_MINOR - order.totalMinor - appointment.feeMinor);
    expect(wallet.body.entries.items.map((e: { amountMinor: number }) => e.amountMinor)).toEqual([
      -appointment.feeMinor,
      -order.totalMinor,
      DEMO_WALLET_MINOR,
    ]);
    // The order's stock left the shelf: sold movements at Cairo.
    const sold = await rows<{ n: number }>(
      sql`select count(*)::int as n from stock_movements where type = 'sold' and reference = ${`order:${order.id}`}`,
    );
    expect(sold[0].n).toBeGreaterThanOrEqual(2);
  });

  it('lists three approved demo doctors with specialties in the directory, doctor@medyour.local among them', async () => {
    const specialties = await t.http.get('/v1/specialties');
    expect(specialties.body.items.map((s: { id: string }) => s.id).sort()).toEqual(
      Object.values(DEMO_SPECIALTY).sort(),
    );
    const doctors = await t.http.get('/v1/doctors');
    expect(doctors.status).toBe(200);
    const ids = await rows<{ id: string }>(
      sql`select id from users where email in ${DEMO_DOCTOR_EMAILS} order by id desc`,
    );
    expect(doctors.body.items.map((d: { id: string }) => d.id)).toEqual(ids.map((r) => r.id));
    for (const d of doctors.body.items) expect(d.specialties.length).toBeGreaterThan(0);
    const pediatrics = await t.http.get(`/v1/doctors?specialtyId=${DEMO_SPECIALTY.pediatrics}`);
    expect(pediatrics.body.items.map((d: { name: string }) => d.name)).toEqual(['Dr. Mona Hassan']);
    const login = await t.http.post('/v1/auth/login', {
      identifier: 'doctor@medyour.local',
      password: 'Nile-Clinic-2026!',
    });
    const own = await t.http.get('/v1/doctor/profile', login.body.accessToken);
    expect(own.body.profile).toMatchObject({ licenseNumber: expect.any(String), approvedAt: expect.any(String) });
  });

  it('gives the three demo doctors weekly hours in Cairo: slots over the next week, none on Friday', async () => {
    const ids = await rows<{ id: string }>(sql`select id from users where email in ${DEMO_DOCTOR_EMAILS}`);
    expect(ids).toHaveLength(3);
    const weekday = new Intl.DateTimeFormat('en-US', { timeZone: 'Africa/Cairo', weekday: 'short' });
    for (const { id } of ids) {
      const res = await t.http.get(`/v1/doctors/${id}/slots`);
      expect(res.status).toBe(200);
      expect(res.body.timeZone).toBe('Africa/Cairo');
      // 12 a working day (two 4-hour intervals, a slot every 40 minutes), six working days a week.
      expect(res.body.items.length).toBeGreaterThanOrEqual(5 * 12);
      for (const s of res.body.items) expect(weekday.format(new Date(s.startsAt))).not.toBe('Fri');
    }
  });

  it('gives the demo customer a past video consultation: chat, signed notes, a rating and a signed prescription', async () => {
    const login = await t.http.post('/v1/auth/login', {
      identifier: 'customer@medyour.local',
      password: 'Nile-Health-2026!',
    });
    const token = login.body.accessToken as string;
    const appointments = (await t.http.get('/v1/appointments', token)).body.items;
    expect(appointments).toHaveLength(1);
    const [past] = appointments;
    expect(past).toMatchObject({ status: 'completed', type: 'video', feeMinor: expect.any(Number) });
    expect(past.feeMinor).toBeGreaterThan(0);
    expect(Date.parse(past.startsAt)).toBeLessThan(Date.now() - 4 * 86_400_000);
    const consultation = await t.http.get(`/v1/consultations/${past.id}`, token);
    expect(consultation.body).toMatchObject({ status: 'completed', rated: true });
    expect((await t.http.get(`/v1/consultations/${past.id}/messages`, token)).body.items).toHaveLength(2);
    const notes = await t.http.get(`/v1/consultations/${past.id}/notes`, token);
    expect(notes.body.note).toMatchObject({ signedAt: expect.any(String), assessment: expect.any(String) });

    const prescriptions = (await t.http.get('/v1/prescriptions', token)).body.items;
    expect(prescriptions).toHaveLength(1);
    expect(prescriptions[0]).toMatchObject({ appointmentId: past.id, state: 'valid', doctorName: 'Dr. Mona Hassan' });
    expect(prescriptions[0].lines[0]).toMatchObject({ remaining: 2, refillsLeft: 1 });
    const verified = await t.http.get(`/v1/prescriptions/verify/${prescriptions[0].code}`);
    expect(verified.body).toMatchObject({ status: 'valid', signatureValid: true });
  });

  it('is idempotent: a second run adds nothing', async () => {
    const before = await counts();
    await seedDemo(t.app, t.logger);
    expect(await counts()).toEqual(before);
    expect(await invariantViolations(t.database)).toEqual([]);
  });
});

describe('demo seed on the embedded database (npm start)', () => {
  it('seeds PGlite the same way, and a second run adds nothing', async () => {
    const embedded = await bootTestApp({
      ...EMBEDDED,
      SEED_DEMO: 'true',
    });
    try {
      expect(embedded.database.kind).toBe('pglite');
      const count = async () =>
        (
          (await embedded.database.db.execute(
            sql`select (select count(*)::int from products) as p, (select count(*)::int from stock_lots) as l`,
          )) as unknown as { rows: { p: number; l: number }[] }
        ).rows[0];
      const first = await count();
      expect(first.p).toBe(DEMO_PRODUCTS.length);
      await seedDemo(embedded.app, embedded.logger);
      expect(await count()).toEqual(first);
      expect(await invariantViolations(embedded.database)).toEqual([]);
    } finally {
      await embedded.close();
    }
  }, 120_000);
});
