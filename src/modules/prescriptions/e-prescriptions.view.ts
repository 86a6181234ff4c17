import type { PrescriptionView, VerificationView } from './e-prescriptions.dto.js';
import type { PrescriptionStatus } from './e-prescriptions.machine.js';
import type { PrescriptionLineRow, PrescriptionRow } from './e-prescriptions.repository.js';
import { canonicalJson, nextFillAt, publicStatus, refillsLeftOf, remainingOf } from './e-prescriptions.rules.js';

/**
 * The body that is signed: everything a pharmacy relies on, rebuilt from the stored row the same way, so
 * a changed column (a validity, a quantity) fails verification just like a changed body.
 */
export function signedBodyOf(row: PrescriptionRow, lines: readonly PrescriptionLineRow[], doctorName: string): string {
  return canonicalJson({
    v: 1,
    id: row.id,
    code: row.code,
    appointmentId: row.appointmentId,
    doctor: { id: row.doctorId, name: doctorName },
    patientId: row.patientId,
    issuedAt: row.issuedAt.toISOString(),
    validUntil: row.validUntil.toISOString(),
    controlled: row.controlled,
    lines: lines.map((l) => ({
      lineNo: l.lineNo,
      productId: l.productId,
      ingredient: l.ingredient,
      strength: l.strength,
      form: l.form,
      name: l.name,
      dose: l.dose,
      frequency: l.frequency,
      durationDays: l.durationDays,
      quantity: l.quantity,
      refills: l.refills,
      substitutionAllowed: l.substitutionAllowed,
    })),
  });
}

/** The doctor's name as signed (the body is the record; a later rename does not change a prescription). */
export function doctorNameOf(row: PrescriptionRow): string {
  try {
    const body = JSON.parse(row.signedBody) as { doctor?: { name?: unknown } };
    return typeof body.doctor?.name === 'string' ? body.doctor.name : '';
  } catch {
    return '';
  }
}

export function prescriptionViewOf(
  row: PrescriptionRow,
  lines: readonly PrescriptionLineRow[],
  ctx: { now: Date; verifyUrl: string; refillAfterPercent: number },
): PrescriptionView {
  return {
    id: row.id,
    appointmentId: row.appointmentId,
    doctorId: row.doctorId,
    doctorName: doctorNameOf(row),
    patientId: row.patientId,
    status: row.status as PrescriptionStatus,
    state: publicStatus(row, ctx.now),
    controlled: row.controlled,
    issuedAt: row.issuedAt.toISOString(),
    validUntil: row.validUntil.toISOString(),
    code: row.code,
    qrContent: `${ctx.verifyUrl}/${row.code}`,
    signature: { keyId: row.keyId, value: row.signature, signedBody: row.signedBody },
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokeReason: row.revokeReason,
    lines: lines.map((l) => ({
      id: l.id,
      lineNo: l.lineNo,
      productId: l.productId,
      ingredient: l.ingredient,
      strength: l.strength,
      form: l.form,
      name: l.name,
      controlled: l.controlled,
      dose: l.dose,
      frequency: l.frequency,
      durationDays: l.durationDays,
      quantity: l.quantity,
      refills: l.refills,
      substitutionAllowed: l.substitutionAllowed,
      dispensed: l.dispensed,
      remaining: remainingOf(l),
      refillsLeft: refillsLeftOf(l),
      nextFillAt: nextFillAt(l, ctx.refillAfterPercent)?.toISOString() ?? null,
    })),
  };
}

/**
 * The public answer to a code: whether to fill it, by whom and until when, and what the paper lists with
 * what is left of it. Nothing about the patient (not even an id), the dose or the consultation: the code
 * holder (a pharmacy with the paper or the patient's phone) learns only what they need to fill it once.
 */
export function verificationViewOf(
  row: PrescriptionRow,
  lines: readonly PrescriptionLineRow[],
  signatureValid: boolean,
  now: Date,
): VerificationView {
  return {
    code: row.code,
    status: signatureValid ? publicStatus(row, now) : 'invalid',
    signatureValid,
    issuedAt: row.issuedAt.toISOString(),
    validUntil: row.validUntil.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    doctorName: doctorNameOf(row),
    lines: lines.map((l) => ({
      lineNo: l.lineNo,
      name: l.name,
      form: l.form,
      quantity: l.quantity,
      refills: l.refills,
      refillsLeft: refillsLeftOf(l),
      remaining: remainingOf(l),
      substitutionAllowed: l.substitutionAllowed,
    })),
  };
}
