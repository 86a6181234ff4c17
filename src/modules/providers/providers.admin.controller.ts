import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { adminSpecialtyResponse, createSpecialtyBody, specialtyIdParam, updateSpecialtyBody } from './providers.dto.js';
import { ProvidersService } from './providers.service.js';

@ApiTags('admin: providers')
@Controller('v1/admin/specialties')
export class ProvidersAdminController {
  constructor(private readonly providers: ProvidersService) {}

  @Can('providers:write')
  @Post()
  @Route({
    operationId: 'createSpecialty',
    summary: 'Create a medical specialty (names en/ar, optional icon)',
    description: 'English names are unique, case-insensitively (409 `providers/specialty-taken`).',
    auth: { permission: 'providers:write' },
    status: 201,
    response: adminSpecialtyResponse,
    errors: [409],
  })
  create(
    @Body({ schema: createSpecialtyBody }) body: z.infer<typeof createSpecialtyBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.providers.createSpecialty(actor, body, meta);
  }

  @Can('providers:write')
  @Patch(':id')
  @Route({
    operationId: 'updateSpecialty',
    summary: 'Change or retire a specialty',
    description:
      '`active: false` takes it off the public list and refuses it in new profiles; doctors who hold it keep it.',
    auth: { permission: 'providers:write' },
    response: adminSpecialtyResponse,
    errors: [404, 409],
  })
  update(
    @Param('id', { schema: specialtyIdParam }) id: string,
    @Body({ schema: updateSpecialtyBody }) body: z.infer<typeof updateSpecialtyBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.providers.updateSpecialty(actor, id, body, meta);
  }
}
