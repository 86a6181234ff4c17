/** Outbox topics of the appointments module (the notifications issue delivers them). */
export const AppointmentEvents = {
  /** Every status change, the booking included: { appointmentId, doctorId, patientId, from, to }. */
  updated: 'appointment.updated',
  /** A booking moved to another slot (its status stays booked): { appointmentId, doctorId, patientId, from, to }. */
  rescheduled: 'appointment.rescheduled',
} as const;
