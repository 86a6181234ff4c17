import { defineMachine } from '../../kernel/state-machine.js';

export const APPOINTMENT_STATUSES = [
  'pending_payment',
  'booked',
  'checked_in',
  'in_progress',
  'completed',
  'cancelled',
  'no_show',
  'expired',
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
/** The states that hold the doctor's time (the exclusion constraint's WHERE): a held card booking too. */
export const ACTIVE_STATUSES: readonly AppointmentStatus[] = ['pending_payment', 'booked', 'checked_in', 'in_progress'];

/**
 * The appointment lifecycle (rule 5). The table allows by account type; that the actor is this
 * appointment's patient or doctor is the service's check. Any account type may be a patient (a doctor or a
 * staff member books like a customer), so the patient's steps name all three.
 */
const PATIENT = ['customer', 'doctor', 'staff'] as const;
export const appointmentMachine = defineMachine({
  name: 'appointments.appointment',
  states: APPOINTMENT_STATUSES,
  transitions: [
    // A card booking holds its slot until the gateway's webhook confirms the payment, or it expires unpaid
    // (the job) and frees the slot; either side may cancel it meanwhile (nothing was paid, nothing refunded).
    { from: 'pending_payment', to: 'booked', allow: ['system'] },
    { from: 'pending_payment', to: 'expired', allow: ['system'] },
    { from: 'pending_payment', to: 'cancelled', allow: PATIENT },
    // The waiting room: the patient checks in, the doctor admits (consultations drive these steps).
    { from: 'booked', to: 'checked_in', allow: PATIENT },
    { from: 'checked_in', to: 'in_progress', allow: ['doctor'] },
    { from: 'booked', to: 'in_progress', allow: ['doctor'] },
    { from: 'in_progress', to: 'completed', allow: ['doctor'] },
    { from: 'booked', to: 'cancelled', allow: [...PATIENT, 'system'] },
    { from: 'checked_in', to: 'cancelled', allow: PATIENT },
    // After the grace period the job marks a booking nobody started as a no-show (the fee is kept).
    { from: 'booked', to: 'no_show', allow: ['system'] },
    { from: 'checked_in', to: 'no_show', allow: ['system'] },
  ],
});
