import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  appointmentIdParam,
  appointmentView,
  appointmentsPage,
  appointmentsQuery,
  bookBody,
  cancelAppointmentBody,
  rescheduleBody,
  type AppointmentsQuery,
  type BookBody,
  type CancelAppointmentBody,
  type RescheduleBody,
} from './appointments.dto.js';
import { AppointmentCancellationsService } from './appointment-cancellations.service.js';
import { AppointmentsService } from './appointments.service.js';

const NOT_YOURS =
  'Only its patient and its doctor see it; anyone else gets 404 `appointments/not-found` like a missing id (audited).';

@ApiTags('appointments')
@Controller('v1/appointments')
export class AppointmentsController {
  constructor(
    private readonly appointments: AppointmentsService,
    private readonly cancellations: AppointmentCancellationsService,
  ) {}

  @Can('appointments:write')
  @Post()
  @Idempotent()
  @Route({
    operationId: 'bookAppointment',
    summary: 'Book one of a doctor’s offered slots and pay its fee from the wallet or by card',
    description:
      '`startsAt` must be the start of an offered slot (GET /v1/doctors/{id}/slots; else 409 `appointments/slot-not-offered`), the doctor approved with a licence valid on the day (404 `providers/doctor-not-found`, 409 `providers/not-approved` or `providers/license-expired`). The fee is the doctor’s video or clinic fee, paid from the wallet in the booking’s transaction (409 `payments/insufficient-funds` leaves nothing), or with `paymentMethod: card`: the booking holds the slot as `pending_payment` until `paymentDueAt` and `payment.redirectUrl` is the gateway’s hosted page (400 `payments/card-unavailable` without a gateway, `payments/amount-out-of-range` below its minimum); the gateway’s webhook books it, an unpaid hold expires (`expired`) and frees the slot. A zero fee books without payment either way. The cancellation policy of the day is copied onto the booking. A slot someone else holds answers 409 `appointments/slot-taken` (the database refuses overlapping bookings, buffer included). Send an Idempotency-Key: a retry answers the same booking.',
    auth: { permission: 'appointments:write' },
    status: 201,
    response: appointmentView,
    errors: [404, 409],
  })
  book(@Body({ schema: bookBody }) body: BookBody, @CurrentActor() actor: UserActor) {
    return this.appointments.book(actor, body);
  }

  @Can('appointments:read')
  @Get()
  @Route({
    operationId: 'listMyAppointments',
    summary: 'The signed-in patient’s appointments, latest start first',
    description: 'Always the caller’s own bookings as a patient.',
    auth: { permission: 'appointments:read' },
    response: appointmentsPage,
  })
  mine(@Query({ schema: appointmentsQuery }) query: AppointmentsQuery, @CurrentActor() actor: UserActor) {
    return this.appointments.mine(actor, query);
  }

  @Can('appointments:read')
  @Get(':id')
  @Route({
    operationId: 'getAppointment',
    summary: 'One appointment',
    description: NOT_YOURS,
    auth: { permission: 'appointments:read' },
    response: appointmentView,
    errors: [404],
  })
  get(
    @Param('id', { schema: appointmentIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.appointments.get(actor, id, meta);
  }

  @Can('appointments:write')
  @Post(':id/cancel')
  @Idempotent()
  @Route({
    operationId: 'cancelAppointment',
    summary: 'Cancel a booking and refund as its policy says (to the wallet, or to the card it was paid with)',
    description: `${NOT_YOURS} The doctor’s cancellation refunds in full; the patient’s refunds in full until \`policy.freeCancelHours\` before the start, later it keeps \`policy.lateCancelFeePercent\` of the fee and refunds the rest (\`refundedMinor\`): to the wallet, or to the card for a card booking. A held card booking not yet paid is cancelled with nothing to refund. Only a held, booked or checked-in appointment can be cancelled (409 \`common/illegal-transition\`).`,
    auth: { permission: 'appointments:write' },
    response: appointmentView,
    errors: [404, 409],
  })
  cancel(
    @Param('id', { schema: appointmentIdParam }) id: string,
    @Body({ schema: cancelAppointmentBody }) body: CancelAppointmentBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.cancellations.cancel(actor, id, body, meta);
  }

  @Can('appointments:write')
  @Post(':id/reschedule')
  @Idempotent()
  @Route({
    operationId: 'rescheduleAppointment',
    summary: 'Move a booking to another offered slot of the same doctor',
    description: `${NOT_YOURS} Only the patient moves it (the doctor: 409 \`appointments/patient-reschedules\`), only while booked (409 \`appointments/not-reschedulable\`), at most \`policy.rescheduleCap\` times (409 \`appointments/reschedule-cap\`). The fee and policy stay as booked. The new start must be an offered slot (409 \`appointments/slot-not-offered\`, or \`appointments/slot-taken\` when someone holds it); the booking's own current time is not offered, so a slot overlapping it needs a cancellation and a new booking.`,
    auth: { permission: 'appointments:write' },
    response: appointmentView,
    errors: [404, 409],
  })
  reschedule(
    @Param('id', { schema: appointmentIdParam }) id: string,
    @Body({ schema: rescheduleBody }) body: RescheduleBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.appointments.reschedule(actor, id, body, meta);
  }
}

@ApiTags('appointments')
@Controller('v1/doctor/appointments')
export class DoctorAppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Can('practice:write')
  @Get()
  @Route({
    operationId: 'listDoctorAppointments',
    summary: 'The signed-in doctor’s appointments, latest start first',
    description:
      'Always the caller’s own (no doctor id in the path); an account that is not a doctor answers 404 `appointments/not-a-doctor`.',
    auth: { permission: 'practice:write' },
    response: appointmentsPage,
    errors: [404],
  })
  list(@Query({ schema: appointmentsQuery }) query: AppointmentsQuery, @CurrentActor() actor: UserActor) {
    return this.appointments.doctors(actor, query);
  }
}
