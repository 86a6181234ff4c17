import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import type { Actor, UserActor } from '../../kernel/auth/index.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import { FilesService } from '../files/index.js';
import type { PrescriptionUploadView, UploadsQuery } from './prescriptions.dto.js';
import { PrescriptionErrors } from './prescriptions.errors.js';
import { PrescriptionsRepository, type UploadRow } from './prescriptions.repository.js';

/** Photos a pharmacist can read: never a PDF or anything else the files module would keep. */
export const PRESCRIPTION_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

const idCursor = cursorShape(cursorField.id);

/**
 * Prescription photos (exported from index.ts): the customer uploads and reads their own; orders checks that
 * the uploads named at checkout are the customer's, and shows them to the pharmacist verifying that order.
 */
@Injectable()
export class PrescriptionUploadsService {
  constructor(
    private readonly repo: PrescriptionsRepository,
    private readonly files: FilesService,
    private readonly audit: AuditService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** POST /v1/prescriptions/uploads: images only, size-limited, the type sniffed from the bytes. */
  async upload(
    actor: UserActor,
    input: { bytes: Buffer; originalName?: string; note?: string },
  ): Promise<PrescriptionUploadView> {
    const file = await this.files.upload(actor, {
      bytes: input.bytes,
      originalName: input.originalName,
      purpose: 'prescription',
      types: PRESCRIPTION_IMAGE_TYPES,
      maxBytes: this.config.prescriptions.uploadMaxBytes,
    });
    const row = await this.repo.insert({ customerId: actor.userId, fileId: file.id, note: input.note ?? null });
    return { id: row.id, file, note: row.note, createdAt: row.createdAt.toISOString() };
  }

  /** The caller's own upload; anyone else's answers 404 like a missing one (audited: it is health data). */
  async mine(actor: UserActor, id: string, meta?: RequestMeta): Promise<PrescriptionUploadView> {
    const row = await this.repo.find(id);
    if (!row) throw PrescriptionErrors.uploadNotFound();
    if (row.customerId !== actor.userId)
      throw await this.audit.notYours(actor, 'prescription_upload', id, meta, PrescriptionErrors.uploadNotFound());
    return this.view(row);
  }

  async listMine(actor: UserActor, query: UploadsQuery): Promise<Page<PrescriptionUploadView>> {
    const after = decodeCursor(query.cursor, idCursor);
    const rows = await this.repo.list(actor.userId, after?.[0], query.limit + 1);
    const page = toPage(rows, query.limit, (r) => [r.id]);
    return { items: await Promise.all(page.items.map((r) => this.view(r))), nextCursor: page.nextCursor };
  }

  /**
   * Checkout: every id names an upload of this customer (a duplicate counts once). One that is missing or
   * someone else's answers 404 `prescriptions/upload-not-found` for all (audited when it exists).
   */
  async assertOwned(actor: UserActor, ids: readonly string[], meta?: RequestMeta, tx?: DbOrTx): Promise<string[]> {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
    const rows = await this.repo.findMany(wanted, tx);
    const foreign = rows.find((r) => r.customerId !== actor.userId);
    if (foreign)
      throw await this.audit.notYours(
        actor,
        'prescription_upload',
        foreign.id,
        meta,
        PrescriptionErrors.uploadNotFound(),
      );
    if (rows.length !== wanted.length) throw PrescriptionErrors.uploadNotFound();
    return wanted;
  }

  /**
   * The photos of an order for the pharmacist who verifies it: the caller (orders) has decided this reader
   * may see them; each read is audited (DOMAIN: health data read by someone other than the patient).
   */
  async forVerifier(
    actor: Actor,
    ids: readonly string[],
    why: { orderId: string },
    meta?: RequestMeta,
  ): Promise<PrescriptionUploadView[]> {
    const rows = await this.repo.findMany([...ids]);
    const views = await Promise.all(rows.map((r) => this.view(r)));
    for (const r of rows)
      await this.audit.record({
        actor,
        action: 'health_data.read',
        subjectType: 'prescription_upload',
        subjectId: r.id,
        meta,
        details: { reason: 'order verification', orderId: why.orderId },
      });
    return views.sort((a, b) => a.id.localeCompare(b.id));
  }

  private async view(row: UploadRow): Promise<PrescriptionUploadView> {
    const file = await this.files.viewFor(row.fileId);
    if (!file) throw PrescriptionErrors.uploadNotFound();
    return { id: row.id, file, note: row.note, createdAt: row.createdAt.toISOString() };
  }
}
