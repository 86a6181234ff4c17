import { Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { AppError } from '../../kernel/errors/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { UploadForm, readUpload } from '../files/index.js';
import {
  prescriptionUploadView,
  prescriptionUploadsPage,
  uploadIdParam,
  uploadNote,
  uploadsQuery,
  type UploadsQuery,
} from './prescriptions.dto.js';
import { PrescriptionUploadsService } from './prescription-uploads.service.js';

const SELF_ONLY = 'Always the caller’s own: another account’s upload answers 404 like a missing one (audited).';

@ApiTags('prescriptions')
@Controller('v1/prescriptions/uploads')
export class PrescriptionUploadsController {
  constructor(private readonly uploads: PrescriptionUploadsService) {}

  @Can('files:write')
  @Post()
  @UploadForm({ note: { type: 'string', maxLength: 500 } })
  @Route({
    operationId: 'uploadPrescription',
    summary: 'Upload a photo of a paper prescription, to name at checkout',
    description:
      'A JPEG, PNG or WebP photo (the type is sniffed from the bytes; anything else 415 `files/type-not-allowed`), at most `PRESCRIPTION_UPLOAD_MAX_BYTES` (413 `files/too-large`). Name its `id` in `prescriptionIds` of `POST /v1/orders`: the pharmacist of the branch reads it before the order goes on.',
    auth: { permission: 'files:write' },
    status: 201,
    response: prescriptionUploadView,
    errors: [413, 415],
  })
  async upload(@Req() req: FastifyRequest, @CurrentActor() actor: UserActor) {
    const form = await readUpload(req);
    const note = uploadNote.safeParse(form.fields.note);
    if (!note.success)
      throw AppError.validation([{ field: 'note', code: 'invalid_value', message: 'is 1 to 500 characters' }]);
    return this.uploads.upload(actor, {
      bytes: form.file.bytes,
      originalName: form.file.filename,
      note: note.data,
    });
  }

  @Can('files:read')
  @Get()
  @Route({
    operationId: 'listPrescriptionUploads',
    summary: 'The caller’s prescription photos, newest first',
    description: SELF_ONLY,
    auth: { permission: 'files:read' },
    response: prescriptionUploadsPage,
  })
  list(@Query({ schema: uploadsQuery }) query: UploadsQuery, @CurrentActor() actor: UserActor) {
    return this.uploads.listMine(actor, query);
  }

  @Can('files:read')
  @Get(':id')
  @Route({
    operationId: 'getPrescriptionUpload',
    summary: 'One of the caller’s prescription photos, with a short-lived link',
    description: SELF_ONLY,
    auth: { permission: 'files:read' },
    response: prescriptionUploadView,
    errors: [404],
  })
  get(
    @Param('id', { schema: uploadIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.uploads.mine(actor, id, meta);
  }
}
