import { Inject, Injectable } from '@nestjs/common';
import { fileTypeFromBuffer } from 'file-type';
import { CONFIG, type Config } from '../../config/index.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import { AuditService } from '../audit/index.js';
import { FILE_STORAGE, type FileStorage } from './file-storage.js';
import type { FileView } from './files.dto.js';
import { FilesRepository, type FileRow } from './files.repository.js';
import { ALLOWED_TYPES, signDownload, verifyDownload, type FilePurpose } from './files.rules.js';

const notFound = () => AppError.notFound('files/not-found', 'The file was not found');

/** Private file storage for later modules (Rx photos, avatars, chat attachments). */
@Injectable()
export class FilesService {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    private readonly repo: FilesRepository,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async upload(
    actor: UserActor,
    input: {
      bytes: Buffer;
      originalName?: string;
      purpose: FilePurpose;
      /** A narrower list than ALLOWED_TYPES for this purpose (prescription photos: images only). */
      types?: readonly string[];
      /** A lower limit than UPLOAD_LIMIT_BYTES for this purpose. */
      maxBytes?: number;
    },
  ): Promise<FileView> {
    if (input.bytes.length === 0) throw new AppError('validation', 'files/no-file', 'No file was uploaded');
    if (input.bytes.length > Math.min(this.config.http.uploadLimit, input.maxBytes ?? Infinity))
      throw new AppError('too_large', 'files/too-large', 'The file is too large');
    const sniffed = await fileTypeFromBuffer(input.bytes);
    const ext = sniffed && ALLOWED_TYPES[sniffed.mime];
    if (!sniffed || !ext || (input.types && !input.types.includes(sniffed.mime)))
      throw new AppError('unsupported_media', 'files/type-not-allowed', 'This file type is not allowed');
    const id = newId();
    const storageKey = `${input.purpose}/${id.slice(0, 8)}/${id}.${ext}`;
    await this.storage.put(storageKey, input.bytes, sniffed.mime);
    const row = await this.repo.insert({
      id,
      ownerId: actor.userId,
      purpose: input.purpose,
      storageKey,
      contentType: sniffed.mime,
      sizeBytes: input.bytes.length,
      originalName: input.originalName?.slice(0, 255) ?? null,
    });
    return this.view(row);
  }

  /**
   * Only the owner gets metadata and a short-lived link; anyone else the same 404 as a missing id. Files hold
   * health data (Rx photos, reports): staff access is decided by the module that owns the context (a
   * pharmacist verifying that order's prescription), not by a broad permission such as users:read.
   */
  async get(actor: UserActor, id: string, meta?: RequestMeta): Promise<FileView> {
    const row = await this.repo.findById(id);
    if (!row) throw notFound();
    if (row.ownerId !== actor.userId) throw await this.audit.notYours(actor, 'file', id, meta, notFound());
    return this.view(row);
  }

  /**
   * Metadata and a short-lived link for a module that has already decided the caller may see this file (the
   * prescriptions module for the customer's own upload, orders for the pharmacist verifying it). Null: no such file.
   */
  async viewFor(id: string): Promise<FileView | null> {
    const row = await this.repo.findById(id);
    return row ? this.view(row) : null;
  }

  async content(id: string, expires: number, signature: string): Promise<{ bytes: Buffer; contentType: string }> {
    if (!verifyDownload(this.config.auth.keys.files, id, expires, signature, this.clock.now().getTime())) {
      throw new AppError('forbidden', 'files/invalid-signature', 'The download link is invalid or expired');
    }
    const row = await this.repo.findById(id);
    if (!row) throw notFound();
    return { bytes: await this.storage.get(row.storageKey), contentType: row.contentType };
  }

  private async view(row: FileRow): Promise<FileView> {
    const ttl = this.config.storage.signedUrlTtlSeconds;
    const expires = Math.floor(this.clock.now().getTime() / 1000) + ttl;
    const direct = await this.storage.signedUrl(row.storageKey, ttl);
    const url =
      direct ??
      `/v1/files/${row.id}/content?expires=${expires}&signature=${signDownload(this.config.auth.keys.files, row.id, expires)}`;
    return {
      id: row.id,
      purpose: row.purpose,
      contentType: row.contentType,
      sizeBytes: row.sizeBytes,
      originalName: row.originalName,
      createdAt: row.createdAt.toISOString(),
      downloadUrl: url,
      downloadUrlExpiresAt: new Date(expires * 1000).toISOString(),
    };
  }
}
