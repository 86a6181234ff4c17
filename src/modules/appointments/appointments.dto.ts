import { z } from 'zod';
import { idSchema, instantSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { checkoutPaymentView } from '../payments/index.js';
import { APPOINTMENT_STATUSES } from './appointments.machine.js';

export const APPOINTMENT_TYPES = ['video', 'clinic'] as const;
export const APPOINTMENT_PAYMENT_METHODS = ['wallet', 'card'] as const;
export type AppointmentPaymentMethod = (typeof APPOINTMENT_PAYMENT_METHODS)[number];

export const bookBody = z.strictObject({
  doctorId: idSchema.describe('The doctor’s user id'),
  startsAt: instantSchema.describe('The start of one of the doctor’s offered slots (GET /v1/doctors/{id}/slots)'),
  type: z.enum(APPOINTMENT_TYPES),
  reason: z.string().trim().min(1).max(1000).optional().describe('Why the patient books (seen by the doctor)'),
  paymentMethod: z
    .enum(APPOINTMENT_PAYMENT_METHODS)
    .default('wallet')
    .describe(
      '`wallet` (default): paid at booking. `card`: the slot is held (`pending_payment`) and the answer carries the hosted checkout page (`payment.redirectUrl`); the gateway’s webhook books it, or the hold expires unpaid',
    ),
});
export type BookBody = z.infer<typeof bookBody>;

export const cancelAppointmentBody = z.strictObject({
  reason: z.string().trim().min(1).max(500).optional(),
});
export type CancelAppointmentBody = z.infer<typeof cancelAppointmentBody>;

export const rescheduleBody = z.strictObject({
  startsAt: instantSchema.describe('The start of another offered slot of the same doctor'),
});
export type RescheduleBody = z.infer<typeof rescheduleBody>;

export const appointmentIdParam = idSchema;
export const appointmentsQuery = pageQuery;
export type AppointmentsQuery = z.infer<typeof appointmentsQuery>;

export const appointmentView = z
  .object({
    id: z.string(),
    doctorId: z.string(),
    patientId: z.string(),
    startsAt: z.string().describe('UTC instant'),
    endsAt: z.string().describe('UTC instant'),
    type: z.enum(APPOINTMENT_TYPES),
    status: z.enum(APPOINTMENT_STATUSES),
    feeMinor: z.number().int(),
    currency: z.string(),
    reason: z.string().nullable(),
    policy: z.object({
      freeCancelHours: z.number().int(),
      lateCancelFeePercent: z.number().int(),
      rescheduleCap: z.number().int(),
    }),
    reschedules: z.number().int(),
    refundedMinor: z
      .number()
      .int()
      .describe('Given back on cancellation: to the wallet, or to the card for a card booking'),
    cancelReason: z.string().nullable(),
    paymentMethod: z.enum(APPOINTMENT_PAYMENT_METHODS),
    paymentDueAt: z.string().nullable().describe('A held card booking expires unpaid at this instant (UTC)'),
    payment: checkoutPaymentView
      .optional()
      .describe('While a card booking waits for its payment: the page to pay on (the same page while it is open)'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Appointment' });
export type AppointmentView = z.infer<typeof appointmentView>;

export const appointmentsPage = pageSchema(appointmentView);
