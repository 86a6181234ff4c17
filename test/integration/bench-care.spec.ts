import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/node-postgres';
import { invariantViolations } from '../support/invariants.js';
import { privateDatabase } from '../support/private-db.js';
import { fillCare, type CareFixture } from '../../bench/care/fixture.js';
import { bookSlot } from '../../bench/care/booking.js';
import { searchSlots } from '../../bench/care/slots.js';
import type { Database } from '../../src/db/client.js';

// The care bench's fixture (doctors, schedules, bookings and funded patients written by SQL) and its baseline
// booking at a small size, so neither can silently break the booking and money rules (no timings here).
const SECRET = 'bench-care-spec-secret-0123456789abcdef';
let db: Awaited<ReturnType<typeof privateDatabase>>;
let client: pg.Client;
let pool: pg.Pool;
let fx: CareFixture;
const violations = () => invariantViolations({ db: drizzle({ client }) } as unknown as Database);

beforeAll(async () => {
  db = await privateDatabase('benchcare');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  pool = new pg.Pool({ connectionString: db.url, max: 8 });
  fx = await fillCare(client, SECRET, { doctors: 6, patients: 6, slotsNeeded: 30 });
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await client?.end();
  await db?.drop();
});

describe('care bench', () => {
  it("searches the doctor's 14 days without the booked third", async () => {
    const found = await searchSlots(pool, fx.searchDoctorId, fx.from, fx.to);
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from appointments where doctor_id = $1 and starts_at >= $2 and starts_at < $3`,
      [fx.searchDoctorId, found!.from, found!.to],
    );
    expect(rows[0].n).toBeGreaterThan(20);
    // Six working days a week, 2 × 4 hours, a slot every 40 minutes: 12 a day, a third of them booked.
    expect(found!.items.length).toBeGreaterThan(80);
    expect(found!.items.length).toBeLessThan(12 * 14);
    const booked = new Set(
      (
        await client.query<{ s: Date }>(`select starts_at as s from appointments where doctor_id = $1`, [
          fx.searchDoctorId,
        ])
      ).rows.map((r) => r.s.toISOString()),
    );
    expect(found!.items.filter((i) => booked.has(i.startsAt))).toEqual([]);
  });

  it('books distinct slots in parallel, paid from the wallet, once each, keeping every invariant', async () => {
    const slots = fx.slots.slice(0, 12);
    const booked = await Promise.all(
      slots.map((s, i) => bookSlot(pool, fx.patients[i % 6].id, { ...s, type: 'video' }, `spec-${i}`)),
    );
    expect(booked.map((b) => b.status)).toEqual(slots.map(() => 201));
    // The same slot again (another patient): taken.
    const again = await bookSlot(pool, fx.patients[5].id, { ...slots[0], type: 'video' }, 'spec-again');
    expect(again).toMatchObject({ status: 409, body: { code: 'appointments/slot-taken' } });
    const { rows } = await client.query(
      `select (select count(*)::int from journal_entries where kind = 'appointment.payment') as payments,
              (select count(*)::int from outbox where topic = 'appointment.updated') as events,
              (select sum(balance_minor)::bigint from ledger_accounts where kind = 'doctor_payable') as payable`,
    );
    expect(rows[0]).toEqual({ payments: 12, events: 12, payable: String(12 * 20_000) });
    expect(await violations()).toEqual([]);
  });
});
