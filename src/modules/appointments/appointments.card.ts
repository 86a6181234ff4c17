import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { SYSTEM_ACTOR } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { Accounts, CardPaymentsService, LedgerService, credit, debit, type PaidIntent } from '../payments/index.js';
import { AppointmentsRepository } from './appointments.repository.js';
import { paymentKey } from './appointments.rules.js';
import { AppointmentsService } from './appointments.service.js';

const EXPIRY_BATCH = 200;

/**
 * What a card payment does to its appointment (registered with payments at boot, which must not import
 * appointments), and the expiry of holds nobody paid. The paid handler runs in the webhook's transaction,
 * after the gateway's money was credited to the patient's wallet, with the appointment row locked first (as a
 * cancellation locks it before the wallet and the intent): a booking still `pending_payment` is paid from the
 * wallet to the doctor's payable (the same entry as a wallet booking's) and booked by the system. A booking
 * that expired or was cancelled meanwhile (a late webhook) is left as it is, and the money stays in the
 * wallet, where the patient can book again with it or support can send it back to the card. A second
 * delivery of the same event stops at payments' event record; a second event for a paid intent finds it paid.
 */
@Injectable()
export class AppointmentCardPayments implements OnModuleInit {
  constructor(
    private readonly cardPayments: CardPaymentsService,
    private readonly ledger: LedgerService,
    private readonly repo: AppointmentsRepository,
    private readonly appointments: AppointmentsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.cardPayments.onPaid('appointment', (intent, tx) => this.paid(intent, tx), {
      lockFirst: (id, tx) => this.repo.lock(id, tx),
    });
  }

  async paid(intent: PaidIntent, tx: DbOrTx): Promise<string> {
    const row = intent.refId ? await this.repo.lock(intent.refId, tx) : undefined;
    if (!row) return 'no such appointment: the money stays in the wallet';
    if (row.status !== 'pending_payment') return `appointment ${row.status}: the money stays in the wallet`;
    if (row.patientId !== intent.customerId || row.feeMinor !== intent.amountMinor)
      return 'the appointment no longer matches the payment: the money stays in the wallet';
    await this.ledger.post(
      {
        key: paymentKey(row.id),
        kind: 'appointment.payment',
        refType: 'appointment',
        refId: row.id,
        actor: SYSTEM_ACTOR,
        memo: 'Paid by card',
        lines: [
          debit(Accounts.wallet(row.patientId), row.feeMinor),
          credit(Accounts.doctorPayable(row.doctorId), row.feeMinor),
        ],
      },
      tx,
    );
    await this.appointments.advance(SYSTEM_ACTOR, row, 'booked', 'card payment received', tx);
    return 'appointment booked';
  }

  /**
   * The appointments.expire-unpaid job: held card bookings whose `paymentDueAt` passed become `expired`,
   * which frees the slot (the exclusion constraint and the slot search count only active states); payments
   * then closes the checkout page (the appointment.updated event). Each under its row lock and only while
   * still held, so two runners expire one once and a payment that won the lock first keeps its booking.
   * Answers how many it expired.
   */
  async expireUnpaid(limit = EXPIRY_BATCH): Promise<number> {
    const now = this.clock.now();
    let expired = 0;
    for (const { id } of await this.repo.overdueUnpaid(now, limit)) {
      const done = await this.repo.transaction(async (t) => {
        const row = await this.repo.lock(id, t);
        if (!row || row.status !== 'pending_payment' || !row.paymentDueAt || row.paymentDueAt > now) return false;
        await this.appointments.advance(SYSTEM_ACTOR, row, 'expired', 'not paid in time', t);
        return true;
      });
      if (done) expired++;
    }
    return expired;
  }
}
