import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { AccountService } from './account.service.js';
import { changePasswordBody, meResponse, okResponse, updateMeBody } from './identity.dto.js';

@ApiTags('me')
@Controller('v1/me')
export class MeController {
  constructor(private readonly account: AccountService) {}

  @Can('profile:read')
  @Get()
  @Route({
    operationId: 'getMe',
    summary: 'The signed-in account',
    auth: { permission: 'profile:read' },
    response: meResponse,
  })
  me(@CurrentActor() actor: UserActor) {
    return this.account.me(actor);
  }

  @Can('profile:write')
  @Patch()
  @Route({
    summary: 'Update name, locale, email or phone (email and phone need currentPassword and are then unverified)',
    auth: { permission: 'profile:write' },
    response: meResponse,
    errors: [409],
  })
  update(
    @Body({ schema: updateMeBody }) body: z.infer<typeof updateMeBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.account.update(actor, body, meta);
  }

  @Can('profile:write')
  @Post('password')
  @Route({
    summary: 'Change password (ends every session)',
    auth: { permission: 'profile:write' },
    response: okResponse,
  })
  async changePassword(
    @Body({ schema: changePasswordBody }) body: z.infer<typeof changePasswordBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    await this.account.changePassword(actor, body.currentPassword, body.newPassword, meta);
    return { ok: true as const };
  }
}
