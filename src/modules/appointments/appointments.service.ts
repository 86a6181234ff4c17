import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { dbRefusal } from '../../db/refusal.js';
import { SYSTEM_ACTOR, type Actor, type UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { OutboxService } from '../../kernel/events/index.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import { transition } from '../../kernel/state-machine.js';
import { AuditService } from '../audit/index.js';
import { AvailabilitySeams, AvailabilityService, type BusyTimeSource } from '../availability/index.js';
import { PlansService } from '../plans/index.js';
import { Accounts, CardPaymentsService, LedgerService, credit, debit } from '../payments/index.js';
import { ProvidersService } from '../providers/index.js';
import type { AppointmentView, AppointmentsQuery, BookBody, RescheduleBody } from './appointments.dto.js';
import { AppointmentErrors } from './appointments.errors.js';
import { AppointmentEvents } from './appointments.events.js';
import { appointmentMachine, type AppointmentStatus } from './appointments.machine.js';
import { AppointmentsRepository, type AppointmentRow } from './appointments.repository.js';
import { paymentDue, paymentKey, planRef } from './appointments.rules.js';
import { appointmentView } from './appointments.view.js';

const listCursor = cursorShape(cursorField.instant, cursorField.id);
const EXCLUSION_VIOLATION = '23P01';

/**
 * Booking, reading and cancelling appointments (exported from index.ts). The fee is paid from the patient's
 * wallet to the doctor's payable account (the doctor's earnings, settled outside this module) in the
 * booking's transaction; a refund moves it back. Booked time is fed to availability as busy time.
 */
@Injectable()
export class AppointmentsService implements OnModuleInit {
  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly availability: AvailabilityService,
    private readonly seams: AvailabilitySeams,
    private readonly plans: PlansService,
    private readonly providers: ProvidersService,
    private readonly ledger: LedgerService,
    private readonly cardPayments: CardPaymentsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  private readonly busy: BusyTimeSource = {
    busyBetween: async (doctorId, from, to, tx) =>
      (await this.repo.busyBetween(doctorId, from, to, tx)).map((r) => ({ startsAt: r.startsAt, endsAt: r.busyUntil })),
  };

  onModuleInit(): void {
    this.seams.registerBusyTimeSource(this.busy);
  }

  /**
   * POST /v1/appointments: checks the slot is offered and the doctor bookable, inserts the booking (the
   * exclusion constraint settles races: 409 appointments/slot-taken) and pays the fee from the wallet, in one
   * transaction: a refusal (409 payments/insufficient-funds) leaves nothing. By card, the booking holds the
   * slot as pending_payment until `paymentDueAt` with its payment intent written in the same transaction; the
   * checkout page is made after commit (appointments.card.ts books it once paid, or expires it). A zero fee
   * books at once either way.
   */
  async book(actor: UserActor, body: BookBody, tx?: DbOrTx): Promise<AppointmentView> {
    if (body.doctorId === actor.userId) throw AppointmentErrors.selfBooking();
    const startsAt = new Date(body.startsAt);
    let intentId: string | undefined;
    try {
      const row = await this.repo.transaction(async (t) => {
        const doctor = await this.providers.assertBookable(body.doctorId, startsAt, t);
        if (body.type === 'clinic' && !doctor.clinicBranchId) throw AppointmentErrors.typeUnavailable(body.type);
        const slot = await this.availability.offeredSlot(body.doctorId, startsAt, t);
        if (!slot) {
          const taken = await this.repo.busyBetween(body.doctorId, startsAt, new Date(startsAt.getTime() + 1), t);
          throw taken.length > 0 ? AppointmentErrors.slotTaken() : AppointmentErrors.slotNotOffered();
        }
        const id = newId();
        const listFee = body.type === 'video' ? doctor.videoFeeMinor : doctor.clinicFeeMinor;
        // A plan's free video consultation of this period pays it (used atomically: of two bookings for the
        // last one, one gets it); the booking then costs nothing, and a full cancellation gives it back.
        const covered =
          body.type === 'video' && listFee > 0
            ? await this.plans.consumeBenefit(actor.userId, 'video_consultation', planRef(id), t)
            : null;
        const feeMinor = covered ? 0 : listFee;
        const policy = this.config.appointments;
        const byCard = body.paymentMethod === 'card' && feeMinor > 0;
        if (byCard) {
          this.cardPayments.assertAvailable('paymentMethod');
          this.cardPayments.assertPayable(feeMinor, 'paymentMethod');
        }
        const saved = await this.repo.insert(
          {
            id,
            doctorId: body.doctorId,
            patientId: actor.userId,
            startsAt,
            endsAt: slot.endsAt,
            busyUntil: new Date(slot.endsAt.getTime() + slot.bufferMinutes * 60_000),
            type: body.type,
            status: byCard ? 'pending_payment' : 'booked',
            paymentMethod: body.paymentMethod,
            // Never after the start: an unpaid hold must free the slot before it begins.
            paymentDueAt: byCard ? paymentDue(this.clock.now(), policy.paymentTtlMinutes, startsAt) : null,
            feeMinor,
            currency: this.config.payments.currency,
            reason: body.reason ?? null,
            freeCancelHours: policy.freeCancelHours,
            lateCancelFeePercent: policy.lateCancelFeePercent,
            rescheduleCap: policy.rescheduleCap,
          },
          actor.userId,
          t,
        );
        if (byCard)
          intentId = (
            await this.cardPayments.createIntent(
              { purpose: 'appointment', refId: id, customerId: actor.userId, amountMinor: feeMinor },
              t,
            )
          ).id;
        else if (feeMinor > 0)
          await this.ledger.post(
            {
              key: paymentKey(id),
              kind: 'appointment.payment',
              refType: 'appointment',
              refId: id,
              actor,
              lines: [
                debit(Accounts.wallet(actor.userId), feeMinor),
                credit(Accounts.doctorPayable(doctor.doctorId), feeMinor),
              ],
            },
            t,
          );
        await this.publish(saved, null, t);
        return saved;
      }, tx);
      const view = appointmentView(row);
      // A gateway that does not answer leaves the hold with its intent `created` (redirectUrl null), never an
      // error: the booking exists, and an error would let an Idempotency-Key retry hold a second slot.
      return intentId
        ? { ...view, payment: await this.cardPayments.checkoutPage(intentId, `Appointment ${row.id}`) }
        : view;
    } catch (err) {
      const refused = dbRefusal(err);
      if (refused?.code === EXCLUSION_VIOLATION && refused.constraint === 'appointments_no_overlap')
        throw AppointmentErrors.slotTaken();
      throw err;
    }
  }

  /** The caller's own bookings as a patient, latest start first. */
  mine(actor: UserActor, query: AppointmentsQuery): Promise<Page<AppointmentView>> {
    return this.page('patient', actor.userId, query);
  }

  /** The signed-in doctor's appointments, latest start first. */
  doctors(actor: UserActor, query: AppointmentsQuery): Promise<Page<AppointmentView>> {
    if (actor.accountType !== 'doctor') throw AppointmentErrors.notADoctor();
    return this.page('doctor', actor.userId, query);
  }

  private async page(role: 'patient' | 'doctor', userId: string, query: AppointmentsQuery) {
    const after = decodeCursor(query.cursor, listCursor);
    const rows = await this.repo.listOf(
      role,
      userId,
      after && { startsAt: new Date(after[0]), id: after[1] },
      query.limit + 1,
    );
    return toPage(rows, query.limit, (r) => [r.startsAt.toISOString(), r.id], appointmentView);
  }

  /** Its patient or its doctor; anyone else 404 like a missing one, audited. */
  async get(actor: UserActor, id: string, meta?: RequestMeta): Promise<AppointmentView> {
    const row = await this.participantOf(actor, id, this.repo.find(id), meta);
    const view = appointmentView(row);
    // A held card booking carries the page to pay on, for its patient (the same page while it is open).
    const intent =
      row.status === 'pending_payment' && row.patientId === actor.userId
        ? await this.cardPayments.openAppointmentIntentOf(row.id)
        : undefined;
    return intent
      ? { ...view, payment: await this.cardPayments.checkoutPage(intent.id, `Appointment ${row.id}`) }
      : view;
  }

  /** The row `found` names, for its patient or its doctor; anyone else 404 like a missing one, audited. */
  async participantOf(
    actor: UserActor,
    id: string,
    found: Promise<AppointmentRow | undefined>,
    meta?: RequestMeta,
  ): Promise<AppointmentRow> {
    const row = await found;
    if (!row) throw AppointmentErrors.notFound();
    if (row.patientId !== actor.userId && row.doctorId !== actor.userId)
      throw await this.audit.notYours(actor, 'appointment', id, meta, AppointmentErrors.notFound());
    return row;
  }

  /** For consultations: the row as stored (undefined: no such appointment); the caller decides who may see it. */
  findRow(id: string, tx?: DbOrTx): Promise<AppointmentRow | undefined> {
    return this.repo.find(id, tx);
  }

  /** For consultations: the row under its lock in `t`, before a lifecycle step (advance) in the same transaction. */
  lockRow(id: string, t: DbOrTx): Promise<AppointmentRow | undefined> {
    return this.repo.lock(id, t);
  }

  /**
   * POST /v1/appointments/:id/reschedule: the patient moves a booked appointment to another offered slot of
   * the same doctor, at most `rescheduleCap` times (the booking's snapshot). The fee and policy stay. The new
   * slot must be offered now, so it cannot overlap the booking's own current time (cancel and book instead).
   */
  async reschedule(actor: UserActor, id: string, body: RescheduleBody, meta?: RequestMeta): Promise<AppointmentView> {
    const startsAt = new Date(body.startsAt);
    try {
      return await this.repo.transaction(async (t) => {
        const row = await this.participantOf(actor, id, this.repo.lock(id, t), meta);
        if (row.patientId !== actor.userId) throw AppointmentErrors.onlyPatientReschedules();
        if (row.status !== 'booked') throw AppointmentErrors.notReschedulable(row.status);
        if (row.reschedules >= row.rescheduleCap) throw AppointmentErrors.rescheduleCap(row.rescheduleCap);
        await this.providers.assertBookable(row.doctorId, startsAt, t);
        const slot = await this.availability.offeredSlot(row.doctorId, startsAt, t);
        if (!slot) {
          const taken = await this.repo.busyBetween(row.doctorId, startsAt, new Date(startsAt.getTime() + 1), t);
          throw taken.length > 0 ? AppointmentErrors.slotTaken() : AppointmentErrors.slotNotOffered();
        }
        const moved = await this.repo.reschedule(
          id,
          { startsAt, endsAt: slot.endsAt, busyUntil: new Date(slot.endsAt.getTime() + slot.bufferMinutes * 60_000) },
          t,
        );
        if (!moved) throw AppointmentErrors.rescheduleCap(row.rescheduleCap);
        await this.outbox.publish(
          AppointmentEvents.rescheduled,
          {
            appointmentId: id,
            doctorId: row.doctorId,
            patientId: row.patientId,
            from: row.startsAt.toISOString(),
            to: moved.startsAt.toISOString(),
          },
          t,
        );
        await this.seams.scheduleChanged(row.doctorId);
        return appointmentView(moved);
      });
    } catch (err) {
      const refused = dbRefusal(err);
      if (refused?.code === EXCLUSION_VIOLATION && refused.constraint === 'appointments_no_overlap')
        throw AppointmentErrors.slotTaken();
      throw err;
    }
  }

  /**
   * One lifecycle step of a row the caller locked in `t` (for consultations: check-in, start, complete; the
   * no-show job). The actor's role on this appointment is the caller's check; the table checks the type.
   */
  async advance(
    actor: Actor,
    row: AppointmentRow,
    to: AppointmentStatus,
    reason: string | null,
    t: DbOrTx,
    set: Parameters<AppointmentsRepository['move']>[3] = {},
  ): Promise<AppointmentRow> {
    const from = row.status as AppointmentStatus;
    return transition(
      appointmentMachine,
      { from, to, actor },
      {
        move: (f, next) => this.repo.move(row.id, f, next, set, t),
        current: async () => (await this.repo.find(row.id, t))?.status as AppointmentStatus | undefined,
      },
      {
        after: async (_step, moved) => {
          const actorId = actor.kind === 'user' ? actor.userId : null;
          await this.repo.appendTransition(
            { appointmentId: row.id, fromStatus: from, toStatus: to, actorId, reason },
            t,
          );
          await this.publish(moved, from, t);
        },
      },
    );
  }

  /**
   * The no-show job: booked appointments nobody started `noShowGraceMinutes` after their start become
   * no_show (the fee stays with the doctor). Each under its row lock and only if still booked, so two runners
   * mark one once. Answers how many it marked.
   */
  async markNoShows(limit = 200): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.appointments.noShowGraceMinutes * 60_000);
    let marked = 0;
    for (const { id } of await this.repo.overdueBooked(cutoff, limit)) {
      const done = await this.repo.transaction(async (t) => {
        const row = await this.repo.lock(id, t);
        if (!row || row.status !== 'booked' || row.startsAt >= cutoff) return false;
        await this.advance(SYSTEM_ACTOR, row, 'no_show', 'not started in time', t);
        return true;
      });
      if (done) marked++;
    }
    return marked;
  }

  private async publish(row: AppointmentRow, from: AppointmentStatus | null, t: DbOrTx): Promise<void> {
    await this.outbox.publish(
      AppointmentEvents.updated,
      { appointmentId: row.id, doctorId: row.doctorId, patientId: row.patientId, from, to: row.status },
      t,
    );
    // The doctor's busy time changed: the slot search forgets its copy now, and again once the event is
    // delivered after commit (availability subscribes), in case a search read it in between.
    await this.seams.scheduleChanged(row.doctorId);
  }
}
