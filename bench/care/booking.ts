import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { bookable, forgetSchedule, freeIn } from './slots.js';
import * as Q from './queries.js';
import { idempotentPost, Refused, type Answered } from '../lib/idempotent.js';

export type Booked = Answered;

const EXCLUSION_VIOLATION = '23P01';

/**
 * POST /v1/appointments on bare pg, the statements our booking sends in their order: the idempotency key
 * claimed, then in one transaction the doctor checked bookable (profile), the slot checked offered
 * (availability, the gate's profile, time off, busy time), the appointment and its first history row, the
 * wallet payment (accounts read, both held accounts locked, the entry, its postings, both balances) and the
 * outbox row; after commit the key's answer stored. Video, wallet, the bench's fee.
 */
export async function bookSlot(
  pool: pg.Pool,
  patientId: string,
  body: { doctorId: string; startsAt: string; type: 'video' },
  key: string,
): Promise<Booked> {
  return idempotentPost(
    pool,
    `${patientId}:POST:/v1/appointments`,
    key,
    body,
    (client) => inTransaction(client, patientId, body),
    (err) =>
      (err as { code?: string }).code === EXCLUSION_VIOLATION ? new Refused(409, 'appointments/slot-taken') : undefined,
  );
}

async function inTransaction(t: pg.PoolClient, patientId: string, body: { doctorId: string; startsAt: string }) {
  const startsAt = new Date(body.startsAt);
  const doctor = await bookable(t, body.doctorId, startsAt);
  if (!doctor) throw new Refused(404, 'providers/doctor-not-found');
  const row = (await t.query(Q.AVAILABILITY_OF, [body.doctorId])).rows[0];
  const now = Date.now();
  const at = startsAt.getTime();
  const slot =
    row && (await bookable(t, body.doctorId, new Date(now)))
      ? (await freeIn(t, row, at, at + 1, now)).find((s) => s.startsAt === at)
      : undefined;
  if (!slot) {
    // As the service tells a taken slot from one never offered.
    const taken = await t.query(Q.BUSY_BETWEEN, [body.doctorId, ...Q.ACTIVE, new Date(at + 1), startsAt]);
    throw new Refused(409, taken.rows.length > 0 ? 'appointments/slot-taken' : 'appointments/slot-not-offered');
  }
  const id = uuidv7();
  // Plans' consumeBenefit: the patient's live subscription, locked (the bench's patients hold none: they pay).
  const live = (await t.query(Q.SUBSCRIPTION_LIVE, [patientId, 'active', 'past_due'])).rows[0];
  if (live) throw new Error('the bench patients hold no plan');
  const fee = doctor.video_fee_minor as number;
  const endsAt = new Date(slot.endsAt);
  const saved = (
    await t.query(Q.APPOINTMENT_INSERT, [
      id,
      body.doctorId,
      patientId,
      startsAt,
      endsAt,
      new Date(slot.endsAt + row.buffer_minutes * 60_000),
      'video',
      'booked',
      fee,
      'EGP',
      null,
      24,
      50,
      2,
      'wallet',
      null,
    ])
  ).rows[0];
  await t.query(Q.APPOINTMENT_TRANSITION_INSERT, [uuidv7(), id, null, 'booked', patientId]);
  if (fee > 0) await pay(t, id, patientId, body.doctorId, fee);
  await t.query(Q.OUTBOX_INSERT, [
    uuidv7(),
    'appointment.updated',
    JSON.stringify({ appointmentId: id, doctorId: body.doctorId, patientId, from: null, to: 'booked' }),
  ]);
  // As ours tells its slot search (the schedule cache's delete).
  forgetSchedule(body.doctorId);
  return {
    id,
    doctorId: saved.doctor_id,
    patientId: saved.patient_id,
    startsAt: (saved.starts_at as Date).toISOString(),
    endsAt: (saved.ends_at as Date).toISOString(),
    type: saved.type,
    status: saved.status,
    feeMinor: saved.fee_minor,
    currency: saved.currency,
    paymentMethod: saved.payment_method,
  };
}

/**
 * LedgerService.post of `appointment:<id>:payment`: debit the wallet, credit the doctor's payable. Both are
 * held accounts: locked by code in id order, then the entry, postings and both balances in one statement.
 */
async function pay(t: pg.PoolClient, id: string, patientId: string, doctorId: string, fee: number) {
  const locked = (await t.query(Q.accountsLockByCode(2), [`wallet:${patientId}`, `doctor_payable:${doctorId}`])).rows;
  const wallet = locked.find((a) => a.kind === 'wallet');
  const payable = locked.find((a) => a.kind === 'doctor_payable');
  if (!wallet || !payable) throw new Error('the bench fixture creates the wallet and payable accounts');
  if (Number(wallet.balance_minor) < fee) throw new Refused(409, 'payments/insufficient-funds');
  const now = new Date();
  const entry = {
    id: uuidv7(),
    key: `appointment:${id}:payment`,
    kind: 'appointment.payment',
    ref_type: 'appointment',
    ref_id: id,
    memo: null,
    created_by: patientId,
    created_at: now,
  };
  const posting = (account: string, amount: number) => ({
    id: uuidv7(),
    entry_id: entry.id,
    account_id: account,
    currency: 'EGP',
    amount_minor: amount,
    created_at: now,
  });
  const written = (
    await t.query(Q.LEDGER_WRITE, [
      JSON.stringify([entry]),
      JSON.stringify([posting(wallet.id, fee), posting(payable.id, -fee)]),
      JSON.stringify([
        { id: wallet.id, delta: -fee },
        { id: payable.id, delta: fee },
      ]),
      '[]',
    ])
  ).rows[0];
  if (written.inserted !== 1 || written.applied !== 2) throw new Error('the payment was refused after its check');
}
