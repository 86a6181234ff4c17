import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { Can, CurrentActor, Public, type UserActor } from '../../kernel/auth/index.js';
import { AppError } from '../../kernel/errors/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { downloadQuery, fileIdParam, filePurpose, fileView } from './files.dto.js';
import { UploadForm, readUpload } from './files.form.js';
import { ALLOWED_TYPES, FILE_PURPOSES } from './files.rules.js';
import { FilesService } from './files.service.js';

@ApiTags('files')
@Controller('v1/files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Can('files:write')
  @Post()
  @UploadForm({ purpose: { type: 'string', enum: [...FILE_PURPOSES] } })
  @Route({
    operationId: 'uploadFile',
    summary: 'Upload a private file (type sniffed from its bytes)',
    auth: { permission: 'files:write' },
    status: 201,
    response: fileView,
    errors: [413, 415],
  })
  async upload(@Req() req: FastifyRequest, @CurrentActor() actor: UserActor) {
    const form = await readUpload(req);
    const purpose = filePurpose.safeParse(form.fields.purpose);
    if (!purpose.success)
      throw AppError.validation([{ field: 'purpose', code: 'invalid_value', message: 'is not a known purpose' }]);
    return this.files.upload(actor, {
      bytes: form.file.bytes,
      originalName: form.file.filename,
      purpose: purpose.data,
    });
  }

  @Can('files:read')
  @Get(':id')
  @Route({
    summary: 'File metadata and a short-lived download link',
    auth: { permission: 'files:read' },
    response: fileView,
    errors: [404],
  })
  get(
    @Param('id', { schema: fileIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.files.get(actor, id, meta);
  }

  @Public()
  @Get(':id/content')
  @Route({
    operationId: 'downloadFile',
    summary: 'Download through a signed link',
    description: 'The bytes, in the type sniffed at upload.',
    auth: 'public',
    errors: [403, 404],
    binary: Object.keys(ALLOWED_TYPES),
  })
  async content(
    @Param('id', { schema: fileIdParam }) id: string,
    @Query({ schema: downloadQuery }) query: z.infer<typeof downloadQuery>,
    @Res() reply: FastifyReply,
  ) {
    const file = await this.files.content(id, query.expires, query.signature);
    return reply
      .header('content-type', file.contentType)
      .header('cache-control', 'private, no-store')
      .header('content-disposition', 'attachment')
      .header('x-content-type-options', 'nosniff')
      .send(file.bytes);
  }
}
