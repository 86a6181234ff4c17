import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { benchDatabaseUrl, databaseName, dropDatabase, repoRoot } from '../lib/db.js';
import type { Row } from '../lib/row.js';
import { startServer, type Server } from '../lib/servers.js';
import { captureSql, recordSql, sameSql, type CaptureRequest } from '../lib/sql-check.js';
import { drive, type Load, type Request } from '../commerce/driver.js';
import { sampleWaits } from '../commerce/waits.js';
import { bookSlot } from './booking.js';
import { prepareCare, type FreeSlot, type Patient } from './fixture.js';
import { searchSlots } from './slots.js';
import * as Q from './queries.js';

export const CARE = { slots: 'slot search, 14 days', booking: 'booking (bookings/s)' } as const;
export type CareScenario = keyof typeof CARE;

export interface CareOptions {
  scenarios: CareScenario[];
  duration: number;
  warmup: number;
  workers: number;
  pool: string;
  /** Environment our API runs with (NODE_ENV, Redis, rate limits…); DATABASE_URL and JWT_SECRET are set here. */
  oursEnv: Record<string, string>;
}

/** The care bench's own small database: BENCH_CARE_DATABASE_URL, or `medyour_bench_care` (recreated, dropped). */
export const careDatabaseUrl = (env: NodeJS.ProcessEnv = process.env) =>
  benchDatabaseUrl(
    { BENCH_DATABASE_URL: env.BENCH_CARE_DATABASE_URL, DATABASE_URL: env.DATABASE_URL },
    'medyour_bench_care',
  );

/** Doctors the bookings spread over: concurrent bookings then rarely wait on one doctor's payable account. */
const DOCTORS = 400;
/** Bookings a side may need at most a second (prepared slots: twice this per second of load, both sides). */
const MAX_BOOKINGS_PER_SECOND = 1500;

const slotsRequest = (doctorId: string, from: string, to: string): Request => ({
  method: 'GET',
  path: `/v1/doctors/${doctorId}/slots?from=${from}&to=${to}`,
  headers: {},
});
const bookRequest = (p: Patient, s: FreeSlot, key: string): Request => ({
  method: 'POST',
  path: '/v1/appointments',
  headers: { authorization: `Bearer ${p.token}`, 'idempotency-key': key },
  body: JSON.stringify({ doctorId: s.doctorId, startsAt: s.startsAt, type: 'video' }),
});
const asCapture = (key: string, r: Request): CaptureRequest => ({
  key,
  method: r.method,
  url: r.path,
  headers: r.headers,
  payload: r.body && JSON.parse(r.body),
});

/**
 * The care group: the slot search of one doctor over 14 days (a third of the slots booked) and booking
 * throughput on distinct slots (each request a slot nobody holds, spread over many doctors; one patient per
 * connection, paid from the wallet), ours against the same SQL on bare pg, on a database of its own prepared
 * before anything is measured, dropped after.
 */
export async function runCare(o: CareOptions, log: (m: string) => void): Promise<Row[]> {
  const url = careDatabaseUrl();
  const jwtSecret = randomBytes(32).toString('hex');
  const t0 = Date.now();
  const perSide = MAX_BOOKINGS_PER_SECOND * (o.duration + o.warmup) + 2;
  const fx = await prepareCare(url, jwtSecret, {
    doctors: DOCTORS,
    patients: 2 * o.workers + 2,
    slotsNeeded: o.scenarios.includes('booking') ? 2 * perSide : 4,
  });
  log(
    `care on ${databaseName(url)} (recreated): slot search doctor with a third of 14 days booked, ${DOCTORS} bookable doctors, ${fx.slots.length} free slots, ${fx.patients.length} patients with funded wallets (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const [twinOurs, twinBase, ...slots] = fx.slots;
  const half = Math.floor(slots.length / 2);
  const sideSlots = [slots.slice(0, half), slots.slice(half)];
  const [ourTwin, baseTwin] = fx.patients;
  const sidePatients = [fx.patients.slice(2, 2 + o.workers), fx.patients.slice(2 + o.workers)];

  const servers: Server[] = [];
  const rows: Row[] = [];
  try {
    const ours = await startServer('ours', new URL('dist/main.js', repoRoot).pathname, 3921, {
      ...o.oursEnv,
      DATABASE_URL: url,
      JWT_SECRET: jwtSecret,
    });
    servers.push(ours);
    const base = await startServer(
      'baseline',
      new URL('dist-bench/bench/baseline/server.js', repoRoot).pathname,
      3922,
      { DATABASE_URL: url, POOL_MAX: o.pool, JWT_SECRET: jwtSecret },
    );
    servers.push(base);

    // Ours in process (the captured SQL); the baseline's code in process (its SQL), each on a twin slot.
    const search = slotsRequest(fx.searchDoctorId, fx.from, fx.to);
    const captured = await captureSql(
      url,
      [asCapture('slots', search), asCapture('book', bookRequest(ourTwin, twinOurs, `bench-twin-${ourTwin.id}`))],
      { JWT_SECRET: jwtSecret },
    );
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    let baseSql: { slots: string[]; booking: string[] };
    let twinBooked: unknown;
    try {
      baseSql = {
        slots: await recordSql(() => searchSlots(pool, fx.searchDoctorId, fx.from, fx.to)),
        booking: await recordSql(async () => {
          twinBooked = await bookSlot(pool, baseTwin.id, { ...twinBase, type: 'video' }, `bench-twin-${baseTwin.id}`);
        }),
      };
    } finally {
      await pool.end();
    }
    const sqlSame = {
      slots: sameSql(captured.get('slots'), baseSql.slots, [], 'slots'),
      booking: sameSql(captured.get('book'), baseSql.booking, [Q.SESSION_STATE], 'booking'),
    };
    if (!sqlSame.booking || !sqlSame.slots)
      for (const [k, v] of captured) log(`  our SQL for ${k}:\n    ${v.join('\n    ')}`);
    const answers = {
      slots: await sameSlots(ours, base, search),
      booking: (twinBooked as { status: number }).status === 201 && (await sameBooking(url, ourTwin.id, baseTwin.id)),
    };

    const measure = async (server: Server, next: (w: number) => Request | undefined) => {
      if (o.warmup > 0) await drive(server.base, o.workers, o.warmup, next);
      const before = server.cpuMs();
      const waits = sampleWaits(url);
      const load = await drive(server.base, o.workers, o.duration, next);
      const cpu = (server.cpuMs() - before) / (load.answered || 1);
      const db = await waits.stop();
      const dbCpu = (db.databaseCpuMs / (load.answered || 1)).toFixed(2);
      log(`    ${server.name}: PostgreSQL CPU ${dbCpu} ms/request; database sessions ${db.summary}`);
      return { ...load, cpu };
    };
    const used = [0, 0];
    const bookingNext = (side: 0 | 1) => (w: number) => {
      const s = sideSlots[side][used[side]++];
      return s && bookRequest(sidePatients[side][w], s, `bench-${side}-${used[side]}`);
    };
    const plan = [
      { key: 'slots' as const, next: [() => search, () => search] },
      { key: 'booking' as const, next: [bookingNext(0), bookingNext(1)] },
    ].filter((s) => o.scenarios.includes(s.key));
    for (const s of plan) {
      const name = CARE[s.key];
      if (!sqlSame[s.key])
        log(`  ${name}: the baseline's SQL differs from ours; copy it again into bench/care/queries.ts`);
      const [a, b] = [await measure(ours, s.next[0]), await measure(base, s.next[1])];
      for (const [side, l] of [
        ['ours', a],
        ['baseline', b],
      ] as const) {
        if (l.non2xx > 0 || l.errors > 0) log(`  ${name} on ${side}: ${l.non2xx} non-2xx, ${l.errors} errors`);
        if (l.exhausted) log(`  ${name} on ${side}: ran out of prepared slots`);
      }
      const fig = (l: Load & { cpu: number }) => ({ rps: l.rps, p50: l.p50, p99: l.p99, cpuMsPerRequest: l.cpu });
      rows.push({ scenario: name, ours: fig(a), base: fig(b), same: answers[s.key], sameSql: sqlSame[s.key] });
      log(
        `  ${name}: ours ${a.rps.toFixed(0)}/s p99 ${a.p99.toFixed(1)} ms, baseline ${b.rps.toFixed(0)}/s p99 ${b.p99.toFixed(1)} ms`,
      );
    }
    if (o.scenarios.includes('booking'))
      log(`  booking slots used: ours ${used[0]}, baseline ${used[1]} of ${half} each`);
  } finally {
    for (const s of servers.reverse()) await s.stop();
    if (!process.env.BENCH_KEEP_CARE_DB) await dropDatabase(url);
  }
  return rows;
}

async function sameSlots(ours: Server, base: Server, r: Request): Promise<boolean> {
  const [a, b] = await Promise.all([fetch(ours.base + r.path), fetch(base.base + r.path)]);
  if (a.status !== 200 || b.status !== 200)
    throw new Error(`${r.path}: ours ${a.status}, baseline ${b.status} (${(await a.text()).slice(0, 200)})`);
  const pick = (x: any) => [x.doctorId, x.timeZone, x.from, x.to, x.items];
  const [x, y] = [pick(await a.json()), pick(await b.json())];
  return JSON.stringify(x) === JSON.stringify(y) && (x[4] as unknown[]).length > 0;
}

/** The twins' bookings as stored: the same row, history, money and event, each on its own slot. */
async function sameBooking(url: string, a: string, b: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const of = async (patientId: string) => {
      const { rows } = await client.query(
        `SELECT a.status, a.type, a.fee_minor, a.currency, a.payment_method, a.ends_at - a.starts_at AS length,
           a.busy_until - a.ends_at AS buffer, a.free_cancel_hours, a.late_cancel_fee_percent, a.reschedule_cap,
           (SELECT count(*) FROM appointment_transitions x WHERE x.appointment_id = a.id) AS steps,
           (SELECT count(*) FROM outbox x WHERE x.payload->>'appointmentId' = a.id::text) AS events,
           (SELECT count(*) FROM journal_entries e WHERE e.ref_type = 'appointment' AND e.ref_id = a.id) AS entries,
           (SELECT w.balance_minor FROM ledger_accounts w WHERE w.code = 'wallet:' || a.patient_id) AS wallet
         FROM appointments a WHERE a.patient_id = $1`,
        [patientId],
      );
      return JSON.stringify(rows);
    };
    const [x, y] = [await of(a), await of(b)];
    return x === y && x !== '[]';
  } finally {
    await client.end();
  }
}
