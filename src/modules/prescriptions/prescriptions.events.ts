/** Outbox topics of the prescriptions module (the notifications issue delivers them). */
export const PrescriptionEvents = {
  /** Issued or revoked: { prescriptionId, doctorId, patientId, from, to }. */
  updated: 'prescription.updated',
  /** Units handed over when an order completed: { prescriptionId, patientId, orderId, lines: [{ lineNo, quantity }] }. */
  dispensed: 'prescription.dispensed',
} as const;
