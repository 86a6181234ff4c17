import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Can, CurrentActor, Public, type UserActor } from '../../kernel/auth/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  doctorIdParam,
  doctorResponse,
  doctorsPage,
  doctorsQuery,
  ownProfileResponse,
  profileBody,
  specialtiesResponse,
} from './providers.dto.js';
import { ProvidersService } from './providers.service.js';

@ApiTags('doctors')
@Controller('v1')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Public()
  @Get('specialties')
  @Route({
    operationId: 'listSpecialties',
    summary: 'Medical specialties, by English name',
    auth: 'public',
    response: specialtiesResponse,
  })
  specialties() {
    return this.providers.listSpecialties();
  }

  @Public()
  @Get('doctors')
  @Route({
    operationId: 'listDoctors',
    summary: 'The doctor directory: approved doctors with a licence valid today',
    description:
      '`specialtyId` and `language` (ISO 639-1) filter; `q` matches the name or the English or Arabic bio. Cursor-paged. Free slots are at `GET /v1/doctors/{id}/slots`.',
    auth: 'public',
    response: doctorsPage,
  })
  list(@Query({ schema: doctorsQuery }) query: z.infer<typeof doctorsQuery>) {
    return this.providers.listDoctors(query);
  }

  @Public()
  @Get('doctors/:id')
  @Route({
    operationId: 'getDoctor',
    summary: 'One doctor of the directory (the id is their user id)',
    description: 'A doctor not approved, with an expired licence, or an id that is not a doctor answers 404.',
    auth: 'public',
    response: doctorResponse,
    errors: [404],
  })
  get(@Param('id', { schema: doctorIdParam }) id: string) {
    return this.providers.getDoctor(id);
  }

  @Can('practice:write')
  @Get('doctor/profile')
  @Route({
    operationId: 'getOwnDoctorProfile',
    summary: "The signed-in doctor's profile (null before the first save)",
    auth: { permission: 'practice:write' },
    response: ownProfileResponse,
    errors: [409],
  })
  ownProfile(@CurrentActor() actor: UserActor) {
    return this.providers.ownProfile(actor);
  }

  @Can('practice:write')
  @Put('doctor/profile')
  @Route({
    operationId: 'putOwnDoctorProfile',
    summary: "Replace the signed-in doctor's profile",
    description:
      'A doctor pending approval may fill it already; an admin approves after reviewing the licence. Specialties must exist and be active, languages are ISO 639-1 codes, fees are minor units ≥ 0 and the licence must be valid today. Rating is kept, and approval too unless the licence number or expiry changes: a new licence is reviewed again (the doctor leaves the directory until an admin approves it with POST /v1/admin/doctors/{id}/approve).',
    auth: { permission: 'practice:write' },
    response: ownProfileResponse,
    errors: [409],
  })
  putProfile(
    @Body({ schema: profileBody }) body: z.infer<typeof profileBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.providers.putProfile(actor, body, meta);
  }
}
