/** The cancellation policy copied onto an appointment at booking. */
export interface CancelPolicy {
  freeCancelHours: number;
  lateCancelFeePercent: number;
}

/**
 * What a cancellation gives back: a doctor's refunds in full; a patient's refunds in full before the free
 * window closes (`freeCancelHours` before the start), else keeps `lateCancelFeePercent` of the fee (rounded
 * down, in the patient's favour) and refunds the rest.
 */
export function cancellationRefund(
  appt: CancelPolicy & { feeMinor: number; startsAt: Date },
  by: 'patient' | 'doctor',
  now: Date,
): { refundMinor: number; keptMinor: number; late: boolean } {
  const late = by === 'patient' && now.getTime() > appt.startsAt.getTime() - appt.freeCancelHours * 3_600_000;
  const keptMinor = late ? Math.floor((appt.feeMinor * appt.lateCancelFeePercent) / 100) : 0;
  return { refundMinor: appt.feeMinor - keptMinor, keptMinor, late };
}

/** When a card booking held at `now` expires unpaid: `ttlMinutes` later, but never after its start. */
export function paymentDue(now: Date, ttlMinutes: number, startsAt: Date): Date {
  return new Date(Math.min(now.getTime() + ttlMinutes * 60_000, startsAt.getTime()));
}

/** The plan benefit a booking used (plans' free video consultations): one per appointment. */
export const planRef = (appointmentId: string) => `appointment:${appointmentId}`;

/** Ledger keys: one payment and at most one refund per appointment (a retry posts nothing twice). */
export const paymentKey = (appointmentId: string) => `appointment:${appointmentId}:payment`;
export const refundKey = (appointmentId: string) => `appointment:${appointmentId}:refund`;
/** The card refund's key (the money a refund put in the wallet leaves it for the card). */
export const cardRefundKey = (appointmentId: string) => `appointment:${appointmentId}:refund:card`;
