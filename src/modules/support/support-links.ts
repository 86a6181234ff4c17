import { Injectable } from '@nestjs/common';
import type { UserActor } from '../../kernel/auth/index.js';
import { AppError } from '../../kernel/errors/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AppointmentsService } from '../appointments/index.js';
import { AuditService } from '../audit/index.js';
import { FilesService } from '../files/index.js';
import { OrdersService } from '../orders/index.js';
import { EPrescriptionsService } from '../prescriptions/index.js';
import { SupportErrors } from './support.errors.js';

/**
 * What a ticket may name: the customer's own order, appointment (as its patient) and e-prescription (as its
 * patient), and files the writer uploaded. Anyone else's answers the 404 of a missing one, audited
 * (access.denied) by the owning module or here.
 */
@Injectable()
export class SupportLinks {
  constructor(
    private readonly orders: OrdersService,
    private readonly appointments: AppointmentsService,
    private readonly prescriptions: EPrescriptionsService,
    private readonly files: FilesService,
    private readonly audit: AuditService,
  ) {}

  async assertOwn(
    actor: UserActor,
    links: { orderId?: string; appointmentId?: string; prescriptionId?: string },
    meta?: RequestMeta,
  ): Promise<void> {
    if (links.orderId !== undefined) {
      // OrdersService audits another customer's order itself.
      await this.orders.assertOwn(actor, links.orderId, meta).catch(asLink('order'));
    }
    if (links.appointmentId !== undefined) {
      const row = await this.appointments.findRow(links.appointmentId);
      if (!row) throw SupportErrors.linkNotFound('appointment');
      if (row.patientId !== actor.userId)
        throw await this.audit.notYours(
          actor,
          'appointment',
          links.appointmentId,
          meta,
          SupportErrors.linkNotFound('appointment'),
        );
    }
    if (links.prescriptionId !== undefined) {
      const view = await this.prescriptions.get(actor, links.prescriptionId, meta).catch(asLink('prescription'));
      // Its doctor or pharmacist may read it, but a ticket is the patient's.
      if (view.patientId !== actor.userId)
        throw await this.audit.notYours(
          actor,
          'prescription',
          links.prescriptionId,
          meta,
          SupportErrors.linkNotFound('prescription'),
        );
    }
  }

  /** Each must be the writer's own upload: anyone else's answers 404 files/not-found (audited by files). */
  async assertFiles(actor: UserActor, fileIds: readonly string[], meta?: RequestMeta): Promise<string[]> {
    const ids = [...new Set(fileIds)];
    for (const id of ids) await this.files.get(actor, id, meta);
    return ids;
  }
}

/** The owning module's 404 (missing or not yours) as support's link answer; anything else passes through. */
const asLink =
  (kind: string) =>
  (err: unknown): never => {
    if (err instanceof AppError && err.kind === 'not_found') throw SupportErrors.linkNotFound(kind);
    throw err;
  };
