import { Injectable } from '@nestjs/common';
import type { UserActor } from '../../kernel/auth/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import { EPrescriptionsRepository, type PrescriptionRow } from './e-prescriptions.repository.js';
import { PrescriptionErrors } from './prescriptions.errors.js';

/**
 * Who may read a prescription (health data, DOMAIN Privacy): its patient; its doctor; a pharmacist of a
 * branch where an order was filled against it (any branch for an admin). Every read by someone other than
 * the patient writes an audit row with the purpose and the request id; anyone else gets 404 like a missing
 * id, audited as denied.
 */
@Injectable()
export class EPrescriptionAccess {
  constructor(
    private readonly repo: EPrescriptionsRepository,
    private readonly audit: AuditService,
  ) {}

  async readable(actor: UserActor, id: string, meta?: RequestMeta): Promise<PrescriptionRow> {
    const row = await this.repo.find(id);
    if (!row) throw PrescriptionErrors.notFound();
    if (row.patientId === actor.userId) return row;
    if (row.doctorId === actor.userId) {
      await this.healthRead(actor, id, 'treating doctor', {}, meta);
      return row;
    }
    if (actor.permissions.has('prescriptions:verify')) {
      const scope = actor.branchScopes.get('prescriptions:verify');
      const orderIds = await this.repo.filledAt(id, scope ? [...scope] : undefined);
      if (scope === null || scope === undefined) {
        await this.healthRead(actor, id, 'administration', { orderIds }, meta);
        return row;
      }
      if (orderIds.length > 0) {
        await this.healthRead(actor, id, 'dispensing', { orderIds }, meta);
        return row;
      }
    }
    throw await this.audit.notYours(actor, 'prescription', id, meta, PrescriptionErrors.notFound());
  }

  /** An audit row for a read by someone other than the patient: who, what, when (the row), why, which request. */
  async healthRead(
    actor: UserActor,
    id: string,
    purpose: string,
    details: Record<string, unknown>,
    meta?: RequestMeta,
  ): Promise<void> {
    await this.audit.record({
      actor,
      action: 'health_data.read',
      subjectType: 'prescription',
      subjectId: id,
      meta,
      details: { purpose, ...details },
    });
  }
}
