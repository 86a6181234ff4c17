import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AppointmentsService, type AppointmentRow } from '../appointments/index.js';
import { AuditService } from '../audit/index.js';
import { ConsultationErrors } from './consultations.errors.js';

export type Role = 'patient' | 'doctor';

/**
 * Who may touch a consultation (immich's requireAccess idea, in one place): its patient and its doctor.
 * Anyone else — another patient, another doctor, staff of any branch — gets the 404 of a missing id and
 * leaves an access.denied audit row (written outside the caller's transaction, so it survives a rollback).
 */
@Injectable()
export class ConsultationAccess {
  constructor(
    private readonly appointments: AppointmentsService,
    private readonly audit: AuditService,
  ) {}

  /** The appointment row (locked in `lockIn` when given) and the caller's role on it, or 404 (audited). */
  async participant(
    actor: UserActor,
    id: string,
    meta: RequestMeta | undefined,
    lockIn?: DbOrTx,
    only?: Role,
  ): Promise<{ row: AppointmentRow; role: Role }> {
    const row = lockIn ? await this.appointments.lockRow(id, lockIn) : await this.appointments.findRow(id);
    if (!row) throw ConsultationErrors.notFound();
    const role: Role | undefined =
      row.doctorId === actor.userId ? 'doctor' : row.patientId === actor.userId ? 'patient' : undefined;
    if (!role || (only && role !== only))
      throw await this.audit.notYours(actor, 'consultation', id, meta, ConsultationErrors.notFound());
    return { row, role };
  }

  /**
   * DOMAIN (Privacy and audit): every read of notes, chat or prescriptions by someone other than the patient
   * is recorded with the reader, the purpose and the request id.
   */
  async recordRead(
    actor: UserActor,
    row: AppointmentRow,
    subjectType: 'consultation_messages' | 'consultation_notes',
    meta: RequestMeta | undefined,
  ): Promise<void> {
    if (actor.userId === row.patientId) return;
    await this.audit.record({
      actor,
      action: 'health_data.read',
      subjectType,
      subjectId: row.id,
      meta,
      details: { purpose: 'treatment', consultationId: row.id, patientId: row.patientId },
    });
  }
}
