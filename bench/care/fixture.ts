import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '../../src/config/index.js';
import { freeSlots } from '../../src/modules/availability/availability.rules.js';
import { signAccessToken } from '../../src/modules/identity/identity.tokens.js';
import { recreateDatabase } from '../lib/db.js';

/** A prepared patient: a funded wallet and a live session's access token. */
export interface Patient {
  id: string;
  token: string;
}

/** A slot nobody holds yet: one booking each. */
export interface FreeSlot {
  doctorId: string;
  startsAt: string;
}

export interface CareFixture {
  /** The slot search's doctor: working hours like the demo doctors', a third of the next 14 days booked. */
  searchDoctorId: string;
  /** The 14-day window of the search, as dates on the doctor's clocks (from tomorrow). */
  from: string;
  to: string;
  patients: Patient[];
  /** Offered slots of the booking doctors, interleaved by doctor (neighbours in the list never share one). */
  slots: FreeSlot[];
}

const ZONE = 'Africa/Cairo';
const FEE_MINOR = 20_000;
const WALLET_MINOR = 100_000_000_000;
const DAY_MS = 86_400_000;
/** The demo doctors' week: Saturday to Thursday, 10:00-14:00 and 18:00-22:00 (slot search). */
const DEMO_WEEK = [6, 0, 1, 2, 3, 4].flatMap((day) => [
  { day, start: '10:00', end: '14:00' },
  { day, start: '18:00', end: '22:00' },
]);
/** The booking doctors work around the clock, so each has many slots for the throughput run. */
const ALL_DAY = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '24:00' }));

/**
 * Recreates the care bench database (a small one of its own) and prepares, by SQL and before anything is
 * measured: one approver, the slot search's doctor (30-minute slots, 10 minutes between, every third slot
 * of the next 14 days booked), `doctors` bookable doctors working all day (30-minute slots, no buffer, no
 * notice) whose payable accounts exist (as in a running deployment: no account insert measured), and
 * `patients` patients with a session and a funded wallet. Tokens are signed with the application's own code.
 */
export async function prepareCare(
  url: string,
  jwtSecret: string,
  opts: { doctors: number; patients: number; slotsNeeded: number },
): Promise<CareFixture> {
  await recreateDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fillCare(client, jwtSecret, opts);
  } finally {
    await client.end();
  }
}

/** The same on a freshly migrated database the caller holds. */
export async function fillCare(
  client: pg.ClientBase,
  jwtSecret: string,
  opts: { doctors: number; patients: number; slotsNeeded: number },
): Promise<CareFixture> {
  await client.query('BEGIN');
  const approver = uuidv7();
  await client.query(
    `INSERT INTO users (id, type, name, email, password_hash) VALUES ($1, 'staff', 'Bench admin', 'admin@bench.medyour.test', 'not-a-hash')`,
    [approver],
  );
  const searchDoctorId = uuidv7();
  const doctors = Array.from({ length: opts.doctors }, () => uuidv7());
  await addDoctors(client, [searchDoctorId], approver, DEMO_WEEK, 10);
  await addDoctors(client, doctors, approver, ALL_DAY, 0);
  const now = Date.now();
  const from = localDate(now + DAY_MS);
  const to = localDate(now + 14 * DAY_MS);
  await bookEveryThird(client, searchDoctorId, now);
  const patients = await addPatients(client, opts.patients);
  await addPayables(client, doctors);
  await client.query('COMMIT');
  await client.query('VACUUM ANALYZE');
  const secret = new TextEncoder().encode(loadConfig({ JWT_SECRET: jwtSecret }).auth.keys.tokens);
  const signed: Patient[] = [];
  for (const p of patients)
    signed.push({ id: p.id, token: await signAccessToken({ sub: p.id, sid: p.session, sv: 0 }, secret, 3600) });
  return { searchDoctorId, from, to, patients: signed, slots: slotsOf(doctors, now, opts.slotsNeeded) };
}

const localDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date(ms));

const rules = (weekly: typeof ALL_DAY, bufferMinutes: number) => ({
  timeZone: ZONE,
  slotMinutes: 30,
  bufferMinutes,
  minNoticeMinutes: 0,
  maxDaysAhead: 30,
  weekly,
  overrides: [],
});

async function addDoctors(
  client: pg.ClientBase,
  ids: string[],
  approver: string,
  weekly: typeof ALL_DAY,
  bufferMinutes: number,
): Promise<void> {
  await client.query(
    `INSERT INTO users (id, type, name, email, password_hash)
     SELECT d.id, 'doctor', 'Dr. Bench ' || d.id, 'doctor-' || d.id || '@bench.medyour.test', 'not-a-hash'
     FROM unnest($1::uuid[]) AS d(id)`,
    [ids],
  );
  await client.query(
    `INSERT INTO doctor_profiles (user_id, name, license_number, license_expires_on, languages, bio_en, bio_ar,
       video_fee_minor, clinic_fee_minor, approved_at, approved_by)
     SELECT d.id, 'Dr. Bench', 'BENCH-' || d.id, current_date + 3650, '{ar,en}', 'Bench doctor', 'طبيب', $2, $2, now(), $3
     FROM unnest($1::uuid[]) AS d(id)`,
    [ids, FEE_MINOR, approver],
  );
  const r = rules(weekly, bufferMinutes);
  await client.query(
    `INSERT INTO doctor_availability (doctor_id, time_zone, slot_minutes, buffer_minutes, min_notice_minutes,
       max_days_ahead, weekly, overrides)
     SELECT d.id, $2, $3, $4, $5, $6, $7::jsonb, '[]'::jsonb FROM unnest($1::uuid[]) AS d(id)`,
    [ids, r.timeZone, r.slotMinutes, r.bufferMinutes, r.minNoticeMinutes, r.maxDaysAhead, JSON.stringify(weekly)],
  );
}

/** Every third offered slot of the search doctor's next 15 days, booked (free of charge: no money rows). */
async function bookEveryThird(client: pg.ClientBase, doctorId: string, now: number): Promise<void> {
  const patient = uuidv7();
  await client.query(
    `INSERT INTO users (id, type, name, email, password_hash) VALUES ($1, 'customer', 'Bench regular', 'regular@bench.medyour.test', 'not-a-hash')`,
    [patient],
  );
  const r = rules(DEMO_WEEK, 10);
  const slots = freeSlots(r, { from: now, to: now + 15 * DAY_MS, now, timeOff: [], busy: [] }).filter(
    (_, i) => i % 3 === 0,
  );
  await client.query(
    `INSERT INTO appointments (id, doctor_id, patient_id, starts_at, ends_at, busy_until, type, status, fee_minor,
       currency, free_cancel_hours, late_cancel_fee_percent, reschedule_cap)
     SELECT a.id, $2, $3, a.s, a.e, a.e + interval '10 minutes', 'video', 'booked', 0, 'EGP', 24, 50, 2
     FROM unnest($1::uuid[], $4::timestamptz[], $5::timestamptz[]) AS a(id, s, e)`,
    [
      slots.map(() => uuidv7()),
      doctorId,
      patient,
      slots.map((s) => new Date(s.startsAt)),
      slots.map((s) => new Date(s.endsAt)),
    ],
  );
}

async function addPatients(client: pg.ClientBase, count: number): Promise<{ id: string; session: string }[]> {
  const ids = Array.from({ length: count }, () => uuidv7());
  const sessions = ids.map(() => uuidv7());
  const wallets = ids.map(() => uuidv7());
  const entries = ids.map(() => uuidv7());
  const adjustments = uuidv7();
  await client.query(
    `INSERT INTO users (id, type, name, email, password_hash)
     SELECT u.id, 'customer', 'Bench patient ' || u.n, 'patient-' || u.n || '@bench.medyour.test', 'not-a-hash'
     FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)`,
    [ids],
  );
  await client.query(`INSERT INTO sessions (id, user_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [
    sessions,
    ids,
  ]);
  // Funded by one balanced entry each (the deferred ledger triggers of migration 0010 check them at commit).
  await client.query(
    `INSERT INTO ledger_accounts (id, code, kind, owner_id, currency, normal_side, may_go_negative, balance_minor)
     VALUES ($1, 'adjustments', 'adjustments', NULL, 'EGP', 'debit', true, $2::bigint * $3::bigint)`,
    [adjustments, WALLET_MINOR, count],
  );
  await client.query(
    `INSERT INTO ledger_accounts (id, code, kind, owner_id, currency, normal_side, may_go_negative, balance_minor)
     SELECT w.id, 'wallet:' || w.owner, 'wallet', w.owner, 'EGP', 'credit', false, $3
     FROM unnest($1::uuid[], $2::uuid[]) AS w(id, owner)`,
    [wallets, ids, WALLET_MINOR],
  );
  await client.query(
    `INSERT INTO journal_entries (id, key, kind, ref_type, ref_id, memo)
     SELECT e.id, 'bench:fund:' || e.owner, 'wallet.adjustment', NULL, NULL, 'bench fixture'
     FROM unnest($1::uuid[], $2::uuid[]) AS e(id, owner)`,
    [entries, ids],
  );
  await client.query(
    `INSERT INTO postings (id, entry_id, account_id, currency, amount_minor)
     SELECT gen_random_uuid(), p.entry, p.account, 'EGP', p.amount
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS e(entry, wallet, adj)
     CROSS JOIN LATERAL (VALUES (e.entry, e.adj, $4::bigint), (e.entry, e.wallet, -$4::bigint)) AS p(entry, account, amount)`,
    [entries, wallets, ids.map(() => adjustments), WALLET_MINOR],
  );
  return ids.map((id, i) => ({ id, session: sessions[i] }));
}

/** The booking doctors' payable accounts (a doctor booked before has one). */
async function addPayables(client: pg.ClientBase, doctors: string[]): Promise<void> {
  await client.query(
    `INSERT INTO ledger_accounts (id, code, kind, owner_id, currency, normal_side, may_go_negative)
     SELECT gen_random_uuid(), 'doctor_payable:' || d.id, 'doctor_payable', d.id, 'EGP', 'credit', false
     FROM unnest($1::uuid[]) AS d(id)`,
    [doctors],
  );
}

/**
 * `needed` offered slots of the booking doctors from an hour ahead, round-robin over the doctors (so
 * concurrent bookings rarely share a doctor's payable account), each once.
 */
function slotsOf(doctors: string[], now: number, needed: number): FreeSlot[] {
  const r = rules(ALL_DAY, 0);
  const perDoctor = Math.ceil(needed / doctors.length);
  const start = now + 3_600_000;
  const span = (Math.ceil(perDoctor / 48) + 1) * DAY_MS;
  if (span > 29 * DAY_MS) throw new Error(`${needed} bookings need more than ${doctors.length} doctors`);
  const all = freeSlots(r, { from: start, to: start + span, now, timeOff: [], busy: [] }).slice(0, perDoctor);
  const out: FreeSlot[] = [];
  for (const s of all) for (const d of doctors) out.push({ doctorId: d, startsAt: new Date(s.startsAt).toISOString() });
  return out.slice(0, needed);
}
