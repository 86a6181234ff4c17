import { defineMachine } from '../../kernel/state-machine.js';

export const PRESCRIPTION_STATUSES = ['issued', 'revoked'] as const;
export type PrescriptionStatus = (typeof PRESCRIPTION_STATUSES)[number];

/**
 * The e-prescription lifecycle (rule 5): issued at creation (the first history row), then only revoked by its
 * doctor (that it is this prescription's doctor is the service's check). Expiry is a date, not a step.
 * The database refuses any other change of an issued prescription (trigger, migration 0021).
 */
export const prescriptionMachine = defineMachine({
  name: 'prescriptions.prescription',
  states: PRESCRIPTION_STATUSES,
  transitions: [{ from: 'issued', to: 'revoked', allow: ['doctor'] }],
});
