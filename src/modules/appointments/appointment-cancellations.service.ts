import { Inject, Injectable, Logger } from '@nestjs/common';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { Accounts, CardRefundsService, LedgerService, credit, debit, type CardRefund } from '../payments/index.js';
import { PlansService } from '../plans/index.js';
import type { AppointmentView, CancelAppointmentBody } from './appointments.dto.js';
import { AppointmentsRepository } from './appointments.repository.js';
import { cancellationRefund, cardRefundKey, planRef, refundKey } from './appointments.rules.js';
import { AppointmentsService } from './appointments.service.js';
import { appointmentView } from './appointments.view.js';

/**
 * Cancelling a booking (its own use case, beside booking and reading in AppointmentsService). The refund
 * follows the booking's policy snapshot and goes back the way the fee came: to the wallet, or through the
 * wallet to the card for a card booking. A held (unpaid) card booking is cancelled with nothing to refund;
 * payments closes its checkout page (its appointment.updated event).
 */
@Injectable()
export class AppointmentCancellationsService {
  private readonly logger = new Logger('AppointmentCancellations');

  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly appointments: AppointmentsService,
    private readonly ledger: LedgerService,
    private readonly cardRefunds: CardRefundsService,
    private readonly plans: PlansService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * POST /v1/appointments/:id/cancel: by the patient (free before the snapshot's window, else the late fee
   * kept and the rest refunded) or by the doctor (a full refund), in one transaction with the refund. A card
   * refund is recorded in that transaction and sent to the gateway after commit (a refund the gateway did not
   * confirm is sent again by payments' job).
   */
  async cancel(
    actor: UserActor,
    id: string,
    body: CancelAppointmentBody,
    meta?: RequestMeta,
  ): Promise<AppointmentView> {
    let toCard: CardRefund | undefined;
    const view = await this.repo.transaction(async (t) => {
      const row = await this.appointments.participantOf(actor, id, this.repo.lock(id, t), meta);
      const by = row.doctorId === actor.userId ? 'doctor' : 'patient';
      // A held card booking was never paid: nothing goes back.
      const outcome = cancellationRefund(row, by, this.clock.now());
      const refundMinor = row.status === 'pending_payment' ? 0 : outcome.refundMinor;
      // A plan's free consultation goes back on the terms a fee would (in the free window, or the doctor
      // cancelling); a late cancellation uses it up. Nothing happens for a booking no plan paid.
      if (!outcome.late) await this.plans.releaseBenefit(row.patientId, 'video_consultation', planRef(row.id), t);
      const moved = await this.appointments.advance(actor, row, 'cancelled', body.reason ?? null, t, {
        cancelledBy: actor.userId,
        cancelReason: body.reason ?? null,
        refundedMinor: refundMinor,
      });
      if (refundMinor > 0) {
        await this.ledger.post(
          {
            key: refundKey(row.id),
            kind: 'appointment.refund',
            refType: 'appointment',
            refId: row.id,
            actor,
            memo: `cancelled by the ${by}`,
            lines: [
              debit(Accounts.doctorPayable(row.doctorId), refundMinor),
              credit(Accounts.wallet(row.patientId), refundMinor),
            ],
          },
          t,
        );
        // The card's money passed through the wallet on its way in; the refund passes through it on its way out.
        if (row.paymentMethod === 'card')
          toCard = await this.cardRefunds.refundToCard(
            {
              appointmentId: row.id,
              amountMinor: refundMinor,
              key: cardRefundKey(row.id),
              actor,
              memo: `Appointment cancelled by the ${by}: back to the card`,
            },
            t,
          );
      }
      return appointmentView(moved);
    });
    if (toCard && !toCard.replayed) await this.send(toCard.id);
    return view;
  }

  /** A failure here is not the caller's: the refund stays `requested` and payments' job sends it again. */
  private async send(refundId: string): Promise<void> {
    try {
      await this.cardRefunds.sendRefund(refundId);
    } catch (err) {
      this.logger.warn(`card refund ${refundId} not sent yet: ${(err as Error).message}`);
    }
  }
}
